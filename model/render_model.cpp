#include "model/render_model.h"

#include <algorithm>
#include <filesystem>

#include "checker/text_util.h"

namespace syncgate::model {
namespace fs = std::filesystem;
namespace {

std::string TextAt(const Node* node) {
  return node && node->IsScalar() ? std::string(node->Text()) : "";
}

}  // namespace

std::vector<MissingDependency> FindMissingDependencies(const Document& chart_doc,
                                                       const std::string& chart_dir) {
  std::vector<MissingDependency> missing;
  const Node* deps = chart_doc.root().Get("dependencies");
  if (!deps || !deps->IsSeq()) return missing;
  const fs::path charts = fs::path(chart_dir) / "charts";
  std::vector<std::string> archives;
  std::error_code ec;
  for (auto it = fs::directory_iterator(charts, ec); !ec && it != fs::directory_iterator();
       it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (EndsWith(name, ".tgz")) archives.push_back(name);
  }
  const auto& items = deps->Resolved().items;
  for (size_t i = 0; i < items.size(); ++i) {
    const std::string name = TextAt(items[i]->Get("name"));
    if (name.empty()) continue;
    if (fs::exists(charts / name / "Chart.yaml", ec)) continue;
    const bool archived = std::any_of(archives.begin(), archives.end(), [&](const std::string& a) {
      return StartsWith(a, name + "-") || a == name + ".tgz";
    });
    if (!archived) missing.push_back({i, name});
  }
  return missing;
}

}  // namespace syncgate::model
