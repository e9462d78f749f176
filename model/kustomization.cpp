#include "model/kustomization.h"

#include <algorithm>
#include <deque>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "checker/text_util.h"

namespace syncgate::model {
namespace fs = std::filesystem;

namespace {

constexpr std::string_view kNames[] = {"kustomization.yaml", "kustomization.yml", "Kustomization"};

std::string Text(const Node* node) {
  return node && node->IsScalar() ? std::string(node->Text()) : "";
}

std::string Normal(const fs::path& path) {
  std::string s = path.lexically_normal().generic_string();
  while (s.size() > 1 && s.back() == '/') s.pop_back();
  return s.empty() ? "." : s;
}

std::string Absolute(const fs::path& path) {
  std::error_code ec;
  fs::path abs = fs::absolute(path, ec);
  return Normal(ec ? path : abs);
}

std::string CanonicalKey(const fs::path& path) {
  std::error_code ec;
  fs::path c = fs::weakly_canonical(path, ec);
  return Normal(ec ? fs::absolute(path, ec) : c);
}

/// What kustomize fetches instead of reading from disk: URLs and remote git references
/// ("github.com/org/repo//path?ref=v1", "git@host:org/repo").
bool LooksRemote(std::string_view s) {
  if (s.find("://") != std::string_view::npos || StartsWith(s, "git@")) return true;
  for (std::string_view host : {"github.com/", "gitlab.com/", "bitbucket.org/"}) {
    if (StartsWith(s, host)) return true;
  }
  return false;
}

/// A generator/transformer/validator/patch entry that is YAML in a string, not a path.
bool IsInline(std::string_view s) { return s.find('\n') != std::string_view::npos; }

}  // namespace

bool IsKustomizationName(std::string_view file_name) {
  return std::find(std::begin(kNames), std::end(kNames), file_name) != std::end(kNames);
}

std::string KustomizationFileIn(const std::string& dir) {
  for (std::string_view name : kNames) {
    std::error_code ec;
    const fs::path file = fs::path(dir) / name;
    if (fs::is_regular_file(file, ec)) return file.string();
  }
  return "";
}

const Node* Kustomization::root() const {
  const Document* d = doc();
  return d && d->root().IsMap() ? &d->root().Resolved() : nullptr;
}

const Document* Kustomization::doc() const {
  return loaded.documents.empty() ? nullptr : loaded.documents.front().get();
}

bool Kustomization::is_component() const {
  const Node* r = root();
  return r && Text(r->Get("kind")) == "Component";
}

std::unique_ptr<Kustomization> ReadKustomization(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return nullptr;
  std::stringstream text;
  text << in.rdbuf();
  auto k = std::make_unique<Kustomization>();
  k->file = file;
  k->dir =
      Normal(fs::path(file).parent_path().empty() ? fs::path(".") : fs::path(file).parent_path());
  k->loaded = LoadYaml(SourceFile::FromText(file, text.str()));
  return k;
}

std::vector<KustomizeRef> ReferencesOf(const Kustomization& k) {
  std::vector<KustomizeRef> out;
  const Node* root = k.root();
  if (!root) return out;
  auto add = [&](std::string_view field, const Node* node, const std::string& written) {
    if (written.empty()) return;
    KustomizeRef ref;
    ref.field = std::string(field);
    ref.node = node;
    ref.written = written;
    if (LooksRemote(written)) {
      ref.kind = KustomizeRef::Kind::kRemote;
    } else {
      ref.fs_path = Normal(fs::path(k.dir) / written);
      std::error_code ec;
      ref.kind = fs::is_directory(ref.fs_path, ec) ? KustomizeRef::Kind::kFolder
                                                   : KustomizeRef::Kind::kFile;
      // "host.example/org/repo?ref=v1": not on disk and shaped like a remote reference.
      if (!fs::exists(ref.fs_path, ec) &&
          (written.find("?ref=") != std::string::npos || written.find("//") != std::string::npos)) {
        ref.kind = KustomizeRef::Kind::kRemote;
        ref.fs_path.clear();
      }
    }
    out.push_back(std::move(ref));
  };
  auto each = [&](std::string_view field, auto&& visit) {
    const Node* list = root->Get(field);
    if (!list || !list->IsSeq()) return;
    for (const Node* item : list->Resolved().items) visit(item);
  };
  // Paths, one per entry.
  for (std::string_view field : {"resources", "bases", "components", "crds", "configurations"}) {
    each(field, [&](const Node* item) { add(field, item, Text(item)); });
  }
  // A path, or YAML written in the string.
  for (std::string_view field :
       {"generators", "transformers", "validators", "patchesStrategicMerge"}) {
    each(field, [&](const Node* item) {
      const std::string text = Text(item);
      if (!IsInline(text)) add(field, item, text);
    });
  }
  for (std::string_view field : {"patches", "patchesJson6902", "replacements"}) {
    each(field, [&](const Node* item) {
      if (const Node* path = item->IsMap() ? item->Get("path") : nullptr)
        add(field, path, Text(path));
    });
  }
  if (const Node* openapi = root->Get("openapi"); openapi && openapi->IsMap())
    add("openapi", openapi->Get("path"), Text(openapi->Get("path")));
  for (std::string_view field : {"configMapGenerator", "secretGenerator"}) {
    each(field, [&](const Node* gen) {
      if (!gen->IsMap()) return;
      if (const Node* files = gen->Get("files"); files && files->IsSeq()) {
        for (const Node* f : files->Resolved().items) {
          std::string text = Text(f);
          if (const size_t eq = text.find('='); eq != std::string::npos) text = text.substr(eq + 1);
          add(field, f, text);
        }
      }
      if (const Node* envs = gen->Get("envs"); envs && envs->IsSeq()) {
        for (const Node* e : envs->Resolved().items) add(field, e, Text(e));
      }
      if (const Node* env = gen->Get("env")) add(field, env, Text(env));
    });
  }
  // helmCharts: the chart home (local charts), values files, and charts helm must pull.
  const Node* charts = root->Get("helmCharts");
  if (charts && charts->IsSeq() && !charts->Resolved().items.empty()) {
    std::string home = "charts";
    if (const Node* globals = root->Get("helmGlobals"); globals && globals->IsMap()) {
      if (const std::string h = Text(globals->Get("chartHome")); !h.empty()) home = h;
    }
    add("helmGlobals", root->Get("helmGlobals"), home);
    const fs::path home_dir = fs::path(k.dir) / home;
    for (const Node* chart : charts->Resolved().items) {
      if (!chart->IsMap()) continue;
      add("helmCharts", chart->Get("valuesFile"), Text(chart->Get("valuesFile")));
      if (const Node* more = chart->Get("additionalValuesFiles"); more && more->IsSeq()) {
        for (const Node* f : more->Resolved().items) add("helmCharts", f, Text(f));
      }
      const std::string name = Text(chart->Get("name"));
      const std::string repo = Text(chart->Get("repo"));
      const std::string version = Text(chart->Get("version"));
      if (repo.empty() || name.empty()) continue;
      // kustomize pulls a chart only when the chart home does not have it already.
      std::error_code ec;
      if (fs::is_directory(home_dir / name, ec) ||
          (!version.empty() && fs::is_directory(home_dir / (name + "-" + version) / name, ec))) {
        continue;
      }
      KustomizeRef ref;
      ref.kind = KustomizeRef::Kind::kRemote;
      ref.field = "helmCharts";
      std::string_view base = repo;
      while (!base.empty() && base.back() == '/') base.remove_suffix(1);
      ref.written = std::string(base) + (StartsWith(repo, "oci://") ? "/" : " ") + name +
                    (version.empty() ? "" : " " + version);
      ref.node = chart;
      out.push_back(std::move(ref));
    }
  }
  return out;
}

KustomizeTree ReadKustomizeTree(const std::string& dir,
                                const std::vector<std::string>& extra_components) {
  KustomizeTree tree;
  std::map<std::string, size_t> index;  // canonical folder → kustomization
  std::vector<std::string> inputs;
  std::deque<std::pair<std::string, int>> queue;  // folder, includer (-1: the root)
  std::deque<bool> queued_as_component;
  queue.emplace_back(Normal(dir), -1);
  queued_as_component.push_back(false);
  while (!queue.empty()) {
    auto [folder, includer] = queue.front();
    const bool component = queued_as_component.front();
    queue.pop_front();
    queued_as_component.pop_front();
    const std::string key = CanonicalKey(folder);
    if (auto it = index.find(key); it != index.end()) {
      if (includer >= 0) {
        tree.included_by[it->second].push_back(static_cast<size_t>(includer));
        tree.as_component[it->second].push_back(component);
      }
      continue;
    }
    const std::string file = KustomizationFileIn(folder);
    std::unique_ptr<Kustomization> k = file.empty() ? nullptr : ReadKustomization(file);
    if (!k) {
      // A folder without a kustomization: kustomize fails on it, and says so.
      std::error_code ec;
      if (fs::is_directory(folder, ec)) inputs.push_back(Absolute(folder));
      continue;
    }
    const size_t self = tree.kustomizations.size();
    index.emplace(key, self);
    tree.included_by.emplace_back();
    tree.as_component.emplace_back();
    if (includer >= 0) {
      tree.included_by[self].push_back(static_cast<size_t>(includer));
      tree.as_component[self].push_back(component);
    }
    inputs.push_back(Absolute(k->dir));
    std::vector<KustomizeRef> refs = ReferencesOf(*k);
    if (self == 0) {
      for (const std::string& c : extra_components) {
        KustomizeRef ref;
        ref.field = "components";
        ref.written = c;
        ref.fs_path = Normal(fs::path(k->dir) / c);
        std::error_code ec;
        ref.kind = LooksRemote(c)                      ? KustomizeRef::Kind::kRemote
                   : fs::is_directory(ref.fs_path, ec) ? KustomizeRef::Kind::kFolder
                                                       : KustomizeRef::Kind::kFile;
        refs.push_back(std::move(ref));
      }
    }
    for (const KustomizeRef& ref : refs) {
      if (ref.field == "helmCharts" || ref.field == "helmGlobals") tree.helm = true;
      switch (ref.kind) {
        case KustomizeRef::Kind::kRemote:
          tree.remote.push_back(ref.written);
          break;
        case KustomizeRef::Kind::kFolder:
          if (ref.builds()) {
            queue.emplace_back(ref.fs_path, static_cast<int>(self));
            queued_as_component.push_back(ref.field == "components");
          } else {
            inputs.push_back(Absolute(ref.fs_path));
          }
          break;
        case KustomizeRef::Kind::kFile: {
          std::error_code ec;
          if (fs::exists(ref.fs_path, ec)) inputs.push_back(Absolute(ref.fs_path));
          break;
        }
      }
    }
    tree.kustomizations.push_back(std::move(k));
  }
  // Each input once, none inside another (a folder is copied whole).
  std::sort(inputs.begin(), inputs.end());
  inputs.erase(std::unique(inputs.begin(), inputs.end()), inputs.end());
  for (const std::string& input : inputs) {
    const bool inside = std::any_of(tree.inputs.begin(), tree.inputs.end(), [&](const auto& kept) {
      return kept == "/" || StartsWith(input, kept + "/");
    });
    if (!inside) tree.inputs.push_back(input);
  }
  // The deepest folder every input is below.
  for (const std::string& input : tree.inputs) {
    std::error_code ec;
    const std::string folder =
        fs::is_directory(input, ec) ? input : Normal(fs::path(input).parent_path());
    if (tree.copy_root.empty()) {
      tree.copy_root = folder;
      continue;
    }
    while (tree.copy_root != "/" && folder != tree.copy_root &&
           !StartsWith(folder, tree.copy_root + "/")) {
      tree.copy_root = Normal(fs::path(tree.copy_root).parent_path());
    }
  }
  return tree;
}

std::string KustomizeDisplayPath(const std::string& root, const std::string& fs_dir,
                                 const std::string& fs_path) {
  fs::path rel =
      fs::path(fs_path).lexically_normal().lexically_relative(fs::path(fs_dir).lexically_normal());
  if (rel.empty()) {  // one absolute, one relative: compare them as absolute paths
    rel = fs::path(Absolute(fs_path)).lexically_relative(Absolute(fs_dir));
  }
  std::string out = (root == "." || root.empty() ? rel : fs::path(root) / rel)
                        .lexically_normal()
                        .generic_string();
  while (StartsWith(out, "./")) out = out.substr(2);
  while (out.size() > 1 && out.back() == '/') out.pop_back();
  return out.empty() ? "." : out;
}

std::string KustomizeFsPath(const std::string& root, const std::string& fs_dir,
                            const std::string& display) {
  const fs::path rel = root == "." || root.empty()
                           ? fs::path(display)
                           : fs::path(display).lexically_relative(fs::path(root));
  return Normal(fs::path(fs_dir) / rel);
}

ImageName SplitImageName(std::string_view image) {
  // The registry host may carry a port ("reg:5000/app"): look for ':' and '@' after it.
  const size_t slash = image.find('/');
  const size_t from = slash == std::string_view::npos ? 0 : slash;
  const size_t at = image.find('@', from);
  const size_t colon = image.find(':', from);
  ImageName out;
  if (at == std::string_view::npos && colon == std::string_view::npos) {
    out.name = std::string(image);
  } else if (at != std::string_view::npos && (colon == std::string_view::npos || at < colon)) {
    out.name = std::string(image.substr(0, at));
    out.digest = std::string(image.substr(at + 1));
  } else if (at != std::string_view::npos) {
    out.name = std::string(image.substr(0, colon));
    out.tag = std::string(image.substr(colon + 1, at - colon - 1));
    out.digest = std::string(image.substr(at + 1));
  } else {
    out.name = std::string(image.substr(0, colon));
    out.tag = std::string(image.substr(colon + 1));
  }
  return out;
}

}  // namespace syncgate::model
