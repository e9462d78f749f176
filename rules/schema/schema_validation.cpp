#include "rules/schema/schema_validation.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <utility>

#include "checker/config.h"
#include "checker/text_util.h"
#include "checker/workspace.h"
#include "model/render_model.h"

namespace syncgate::rules {
namespace fs = std::filesystem;

std::shared_ptr<SchemaValidation> SchemaValidation::Shared(const RunScope& run) {
  return run.services.Get<SchemaValidation>("schema-validation", [&] {
    return std::make_shared<SchemaValidation>(SharedSchemaStore(run));
  });
}

void SchemaValidation::AddChartCrds(const Workspace& workspace) {
  std::shared_ptr<std::once_flag> once;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto& slot = chart_crds_[&workspace];
    if (!slot) slot = std::make_shared<std::once_flag>();
    once = slot;
  }
  std::call_once(*once, [&] {
    const auto* state = workspace.FindExtension<model::RenderState>();
    if (!state) return;
    std::set<std::string> loaded;  // files the workspace holds: their CRDs are registered
    bool indexed = false;
    for (const auto& chart : state->model.charts) {
      if (chart->kind != model::SourceKind::kHelm || chart->fs_dir.empty()) continue;
      // Helm installs every .yaml, .yml and .json below crds/ (not templated).
      const fs::path crds = fs::path(chart->fs_dir) / "crds";
      std::error_code ec;
      if (!fs::is_directory(crds, ec)) continue;
      if (!std::exchange(indexed, true)) {
        for (const auto& file : workspace.files()) {
          if (!file->input.fs_path.empty())
            loaded.insert(fs::weakly_canonical(file->input.fs_path, ec).string());
        }
      }
      std::vector<fs::path> files;
      for (auto it = fs::recursive_directory_iterator(crds, ec);
           !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        const std::string ext = it->path().extension().string();
        if (it->is_regular_file(ec) && (ext == ".yaml" || ext == ".yml" || ext == ".json")) {
          files.push_back(it->path());
        }
      }
      std::sort(files.begin(), files.end());
      for (const fs::path& path : files) {
        if (!loaded.insert(fs::weakly_canonical(path, ec).string()).second) continue;
        std::ifstream in(path, std::ios::binary);
        std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        const std::string display =
            (fs::path(chart->root) / fs::relative(path, chart->fs_dir, ec)).generic_string();
        store_->AddCrdFile(display, std::move(text));
      }
    }
  });
}

const SchemaCheck& SchemaValidation::Check(const Document& doc, const Workspace* workspace) {
  if (workspace) {
    store_->AddCrds(*workspace);  // first: a committed or rendered CRD wins over a crds/ file
    AddChartCrds(*workspace);
  }
  std::shared_ptr<Slot> slot;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto& entry = slots_[&doc];
    if (!entry || entry->source != doc.source_ptr()) {
      entry = std::make_shared<Slot>();
      entry->source = doc.source_ptr();
    }
    slot = entry;
  }
  std::call_once(slot->once, [&] { slot->check = Compute(doc); });
  return slot->check;
}

SchemaCheck SchemaValidation::Compute(const Document& doc) {
  SchemaCheck check;
  SchemaLookup lookup;
  if (doc.parent()) return check;  // embedded YAML (helm.values) is not a Kubernetes object
  if (doc.kind() == DocKind::kChart) {
    const Node* api = doc.root().Get("apiVersion");
    const bool v1 = api && api->Text() == "v1";
    check.what = v1 ? "Chart.yaml (apiVersion v1)" : "Chart.yaml (apiVersion v2)";
    lookup = store_->Embedded(v1 ? "chart-v1.json" : "chart-v2.json");
  } else if (doc.kind() == DocKind::kConfig) {
    check.what = "the syncgate configuration";
    lookup = store_->Embedded("syncgate-config.json");
  } else if (Intersects(doc.kind(), kAnyObject)) {
    const ObjectRef& object = doc.object();
    if (object.kind.empty() || object.api_version.empty()) return check;
    check.what = object.api_version + " " + object.kind;
    check.builtin = IsBuiltinApiVersion(object.api_version);
    lookup = store_->ForObject(object.api_version, object.kind);
  } else {
    return check;
  }
  check.source = lookup.source;
  if (!lookup.error.empty()) {
    check.outcome = SchemaOutcome::kUnusable;
    check.error = lookup.error;
  } else if (!lookup.schema) {
    check.outcome = SchemaOutcome::kMissing;
  } else {
    check.outcome = SchemaOutcome::kValidated;
    check.errors = lookup.schema->Validate(doc);
  }
  return check;
}

std::string DisplayPath(const Document& doc, std::string_view pointer) {
  std::string out;
  std::string at;
  for (std::string_view token : Split(pointer.empty() ? "" : pointer.substr(1), '/')) {
    if (pointer.empty()) break;
    const Node* parent = doc.Find(at);
    const std::string name = UnescapePointerToken(token);
    if (parent && parent->IsSeq()) {
      out += "[" + name + "]";
    } else {
      out += (out.empty() ? "" : ".") + name;
    }
    at = JoinPointer(at, name);
  }
  return out;
}

}  // namespace syncgate::rules
