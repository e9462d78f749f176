// KustomizeTracer (render/kustomize_stage.h): a finding on a built object moves to the file the
// user edits. Candidates, from the last applied to the first: the Application's kustomize:
// options, then for each kustomization that includes the object, outermost first, its images /
// replicas / namespace / commonLabels entries, its patches (JSON 6902, then `patches`, then
// `patchesStrategicMerge`, later ones first) and its components; last the file that declared
// the object. The first candidate that sets the value the finding points at wins; otherwise the
// one that holds most of the pointer (the declaring file on a tie).
#include <fmt/format.h>
#include <re2/re2.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <optional>
#include <set>

#include "checker/text_util.h"
#include "model/kustomization.h"
#include "render/kustomize_stage.h"

namespace syncgate::render {
namespace fs = std::filesystem;
using model::ImageName;
using model::Kustomization;
using model::KustomizeDisplayPath;
using model::KustomizeFsPath;
using model::KustomizeRef;
using model::KustomizeTree;
using model::ReadKustomization;
using model::ReadKustomizeTree;
using model::ReferencesOf;
using model::SplitImageName;

namespace {

std::string Text(const Node* node) {
  return node && node->IsScalar() ? std::string(node->Text()) : "";
}

std::vector<std::string> Tokens(std::string_view pointer) {
  std::vector<std::string> out;
  if (pointer.empty()) return out;
  for (std::string_view t : Split(pointer.substr(1), '/')) out.push_back(UnescapePointerToken(t));
  return out;
}

bool IsIndex(std::string_view token) {
  return !token.empty() && std::all_of(token.begin(), token.end(), [](char c) {
    return std::isdigit(static_cast<unsigned char>(c));
  });
}

const Node* Child(const Node* node, const std::string& token) {
  if (!node) return nullptr;
  const Node& n = node->Resolved();
  if (n.kind == NodeKind::kMapping) return n.Get(token);
  if (n.kind == NodeKind::kSequence && IsIndex(token)) {
    const size_t i = std::stoul(token);
    return i < n.items.size() ? n.items[i] : nullptr;
  }
  return nullptr;
}

/// The item of `list` that is the same list item as `item` of a rendered list: by its merge key
/// (containers and volumes by name, volumeMounts by mountPath, ports by port), else by position.
const Node* SameItem(const Node& list, const Node* item, size_t index, size_t& found_index) {
  const auto& items = list.Resolved().items;
  if (item && item->IsMap()) {
    for (std::string_view key :
         {"name", "mountPath", "containerPort", "port", "devicePath", "key", "ip", "type"}) {
      const Node* value = item->Get(key);
      if (!value || !value->IsScalar()) continue;
      for (size_t i = 0; i < items.size(); ++i) {
        if (items[i]->IsMap() && Text(items[i]->Get(key)) == value->Text()) {
          found_index = i;
          return items[i];
        }
      }
      return nullptr;  // keyed, and not in this list
    }
  } else if (item && item->IsScalar()) {
    for (size_t i = 0; i < items.size(); ++i) {
      if (items[i]->IsScalar() && items[i]->Text() == item->Text()) {
        found_index = i;
        return items[i];
      }
    }
  }
  if (index < items.size()) {
    found_index = index;
    return items[index];
  }
  return nullptr;
}

struct Translation {
  std::string pointer;  // in the other tree
  size_t depth = 0;     // tokens of the rendered pointer it reaches
  const Node* node = nullptr;
};

/// `tokens[from..]` of a rendered pointer below `rendered`, followed in `other` (a patch, or the
/// document that declared the object) as far as it goes there.
Translation Translate(const Node* rendered, const Node* other,
                      const std::vector<std::string>& tokens, size_t from = 0) {
  Translation out;
  out.node = other;
  for (size_t i = from; i < tokens.size() && other; ++i) {
    const Node& o = other->Resolved();
    const std::string& token = tokens[i];
    const Node* next_rendered = Child(rendered, token);
    const Node* next = nullptr;
    std::string step;
    if (o.kind == NodeKind::kMapping) {
      next = o.Get(token);
      step = token;
    } else if (o.kind == NodeKind::kSequence && IsIndex(token)) {
      size_t index = 0;
      next = SameItem(o, next_rendered, std::stoul(token), index);
      step = std::to_string(index);
    }
    if (!next) break;
    AppendPointerToken(out.pointer, step);
    ++out.depth;
    out.node = next;
    other = next;
    rendered = next_rendered;
  }
  return out;
}

/// The pointer of `target` in `doc` (its nodes are visited once; aliases are not followed).
std::optional<std::string> PointerOf(const Document& doc, const Node* target) {
  std::optional<std::string> found;
  std::string pointer;
  WalkTree(doc.root(), pointer, [&](const Node& node, const std::string& at) {
    if (found) return false;
    if (&node == target) found = at;
    return !found;
  });
  return found;
}

/// The pointer of what finding `f` on `doc` shows: its pointer when it is there (`at_key`: at
/// its key), else the scalar or key at the finding's position, below its pointer first.
std::string FindingPointer(const Document& doc, const Finding& f, bool& at_key) {
  const Position pos{f.line, f.column};
  at_key = false;
  if (doc.PositionOf(f.pointer) == pos) return f.pointer;
  if (KeyPositionOf(doc, f.pointer) == pos) {
    at_key = true;
    return f.pointer;
  }
  std::optional<std::string> found;
  auto search = [&](const Node& from, std::string pointer) {
    WalkTree(from, pointer, [&](const Node& node, const std::string& at) {
      if (found) return false;
      if (node.kind == NodeKind::kMapping) {
        for (const MapEntry& e : node.entries) {
          if (e.key->pos == pos) {
            found = JoinPointer(at, e.key->value);
            at_key = true;
          } else if (e.value->kind == NodeKind::kScalar && e.value->pos == pos) {
            found = JoinPointer(at, e.key->value);
          }
          if (found) return false;
        }
      } else if (node.kind == NodeKind::kScalar && node.pos == pos) {
        found = at;
      }
      return true;
    });
  };
  if (const Node* below = doc.Find(f.pointer)) search(*below, f.pointer);
  if (!found) search(doc.root(), "");
  return found ? *found : f.pointer;
}

struct Candidate {
  std::string file;
  Position pos;
  size_t depth = 0;
  bool sets = false;  // it sets the value (a patch's own value, a transformer's entry)
};

/// A kustomization-like source of changes: a kustomization of the build, or the Application's
/// `kustomize:` block (applied to the root kustomization, after what it has).
struct Layer {
  const Node* root = nullptr;
  const Document* doc = nullptr;  // for patches written inline
  std::string file;               // display path
  std::string dir;                // filesystem folder its paths are relative to
  bool application = false;
};

}  // namespace

struct KustomizeTracer::Impl {
  explicit Impl(const Workspace& workspace) {
    for (const auto& unit : workspace.files()) units.emplace(unit->input.display_path, unit.get());
  }

  struct PlanTree {
    KustomizeTree tree;
    std::vector<std::string> displays;  // per kustomization
    const Document* app_doc = nullptr;  // the Application holding the plan's kustomize: block
  };

  PlanTree& TreeOf(const model::RenderPlan& plan) {
    auto& slot = trees[&plan];
    if (slot) return *slot;
    slot = std::make_unique<PlanTree>();
    slot->tree = ReadKustomizeTree(plan.chart->fs_dir, plan.request.kustomize.components);
    for (const auto& k : slot->tree.kustomizations) {
      slot->displays.push_back(KustomizeDisplayPath(plan.chart->root, plan.chart->fs_dir, k->file));
    }
    if (!plan.layers.empty() && plan.layers.front().root) {
      if (auto it = units.find(plan.anchor_file); it != units.end()) {
        for (const auto& doc : it->second->documents) {
          std::string pointer;
          bool inside = false;
          WalkTree(doc->root(), pointer, [&](const Node& node, const std::string&) {
            inside |= &node == plan.layers.front().root;
            return !inside;
          });
          if (inside) slot->app_doc = doc.get();
        }
      }
    }
    return *slot;
  }

  /// The documents of a file of the build: from the workspace, else read from disk once.
  const std::vector<std::unique_ptr<Document>>* Docs(const std::string& display,
                                                     const std::string& fs_path) {
    if (auto it = units.find(display); it != units.end() && !it->second->documents.empty())
      return &it->second->documents;
    auto& slot = disk[fs_path];
    if (!slot) slot = ReadKustomization(fs_path);
    return slot ? &slot->loaded.documents : nullptr;
  }

  std::map<std::string, const FileUnit*, std::less<>> units;
  std::map<const model::RenderPlan*, std::unique_ptr<PlanTree>> trees;
  std::map<std::string, std::unique_ptr<Kustomization>> disk;
};

KustomizeTracer::KustomizeTracer(const Workspace& workspace)
    : impl_(std::make_unique<Impl>(workspace)) {}
KustomizeTracer::~KustomizeTracer() = default;

void KustomizeTracer::Map(const model::RenderPlan& plan, const model::RenderOutcome& outcome,
                          const Document* doc, Finding& f) {
  const model::RenderOutcome::Origin origin =
      doc && f.document >= 0 && static_cast<size_t>(f.document) < outcome.origins.size()
          ? outcome.origins[static_cast<size_t>(f.document)]
          : model::RenderOutcome::Origin{};
  f.rendered = RenderedOrigin{plan.label, origin.file, f.line};
  auto move_to = [&](const std::string& file, Position pos) {
    f.file = file;
    f.line = pos.line;
    f.column = pos.column;
  };
  if (!doc || !doc->root().IsMap()) {
    move_to(plan.anchor_file, plan.anchor_pos);
    return;
  }
  const Node& rendered = doc->root().Resolved();
  // What the finding is about: the node at its pointer, or its key, or the node the rule chose
  // to show (ReportExtra::at: a container's `name:` for a finding about the container).
  bool at_key = false;
  const std::string pointer_text = FindingPointer(*doc, f, at_key);
  const std::vector<std::string> tokens = Tokens(pointer_text);
  const std::string kind = Text(rendered.Get("kind"));
  const std::string api_version = Text(rendered.Get("apiVersion"));
  const std::string rendered_name = Text(rendered.Path({"metadata", "name"}));
  auto position = [&](const Document& in, const std::string& pointer) {
    return at_key ? KeyPositionOf(in, pointer) : in.PositionOf(pointer);
  };
  Impl::PlanTree& pt = impl_->TreeOf(plan);
  const KustomizeTree& tree = pt.tree;

  // 1. Where it was declared.
  std::optional<Candidate> declared;
  std::string original_name;
  const Node* declared_node = nullptr;  // the declared value at the pointer, when all there
  int owner = -1;                       // the kustomization that lists the declaring file
  if (!origin.file.empty() && origin.generator.empty()) {
    const std::string fs_path = KustomizeFsPath(plan.chart->root, plan.chart->fs_dir, origin.file);
    if (const auto* docs = impl_->Docs(origin.file, fs_path)) {
      const Document* best = nullptr;
      size_t best_len = 0;
      size_t same_kind = 0;
      const Document* only = nullptr;
      for (const auto& d : *docs) {
        const Node& r = d->root();
        if (!r.IsMap() || Text(r.Get("kind")) != kind) continue;
        ++same_kind;
        only = d.get();
        const std::string name = Text(r.Path({"metadata", "name"}));
        if (!name.empty() && rendered_name.find(name) != std::string::npos &&
            name.size() > best_len) {
          best = d.get();
          best_len = name.size();
        }
      }
      if (!best && same_kind == 1) best = only;
      if (best) {
        original_name = Text(best->root().Path({"metadata", "name"}));
        const Translation t = Translate(&rendered, &best->root(), tokens);
        declared = Candidate{origin.file, position(*best, t.pointer), t.depth, false};
        if (t.depth == tokens.size()) declared_node = t.node;
      } else {
        declared = Candidate{origin.file, {1, 1}, 0, false};
      }
    }
    for (size_t i = 0; i < tree.kustomizations.size() && owner < 0; ++i) {
      for (const KustomizeRef& ref : ReferencesOf(*tree.kustomizations[i])) {
        if ((ref.field == "resources" || ref.field == "bases" || ref.field == "crds") &&
            ref.fs_path == fs_path) {
          owner = static_cast<int>(i);
          break;
        }
      }
    }
  } else if (!origin.file.empty()) {
    // Made by a generator of a kustomization: its entry there.
    for (size_t i = 0; i < tree.kustomizations.size(); ++i) {
      if (pt.displays[i] != origin.file) continue;
      owner = static_cast<int>(i);
      const Node* root = tree.kustomizations[i]->root();
      std::string field = origin.generator == "HelmChartInflationGenerator" ? "helmCharts"
                          : origin.generator == "SecretGenerator"           ? "secretGenerator"
                          : origin.generator == "ConfigMapGenerator"        ? "configMapGenerator"
                                                                            : "";
      const Node* list = root && !field.empty() ? root->Get(field) : nullptr;
      const Node* entry = nullptr;
      size_t best_len = 0;
      if (list && list->IsSeq()) {
        for (const Node* item : list->Resolved().items) {
          if (!item->IsMap()) continue;
          for (std::string_view key : {"name", "releaseName"}) {
            const std::string name = Text(item->Get(key));
            if (!name.empty() && rendered_name.find(name) != std::string::npos &&
                name.size() > best_len) {
              entry = item;
              best_len = name.size();
            }
          }
        }
        if (!entry && !list->Resolved().items.empty()) entry = list->Resolved().items.front();
      }
      Position pos = entry ? entry->pos : Position{1, 1};
      size_t depth = 0;
      // A generated key: the literal, file or env entry that made it.
      if (entry && tokens.size() == 2 && (tokens[0] == "data" || tokens[0] == "stringData")) {
        for (std::string_view source : {"literals", "files", "envs"}) {
          const Node* items = entry->Get(source);
          if (!items || !items->IsSeq()) continue;
          for (const Node* item : items->Resolved().items) {
            const std::string text = Text(item);
            if (StartsWith(text, tokens[1] + "=") ||
                fs::path(text).filename().string() == tokens[1]) {
              pos = item->pos;
              depth = 2;
            }
          }
        }
      }
      declared = Candidate{origin.file, pos, depth, false};
      break;
    }
  }

  // 2. Who changed it afterwards: the layers that include the object, last applied first.
  std::vector<Layer> layers;
  if (!plan.layers.empty() && plan.layers.front().root && plan.layers.front().root->IsMap()) {
    layers.push_back(
        {plan.layers.front().root, pt.app_doc, plan.anchor_file, plan.chart->fs_dir, true});
  }
  {
    // The kustomizations above the declaring one (all of them when it is not known), each
    // followed by the components it applies.
    std::set<size_t> above;
    std::vector<size_t> queue;
    if (owner >= 0) {
      queue.push_back(static_cast<size_t>(owner));
    } else {
      for (size_t i = 0; i < tree.kustomizations.size(); ++i) queue.push_back(i);
    }
    while (!queue.empty()) {
      const size_t k = queue.back();
      queue.pop_back();
      if (!above.insert(k).second) continue;
      for (size_t by : tree.included_by[k]) queue.push_back(by);
    }
    for (size_t k : above) {  // ascending: the root (0) first, then breadth first
      const Kustomization& kz = *tree.kustomizations[k];
      layers.push_back({kz.root(), kz.doc(), pt.displays[k], kz.dir, false});
      std::vector<size_t> components;
      for (size_t c = 0; c < tree.kustomizations.size(); ++c) {
        if (above.count(c)) continue;
        for (size_t j = 0; j < tree.included_by[c].size(); ++j) {
          if (tree.included_by[c][j] == k && tree.as_component[c][j]) components.push_back(c);
        }
      }
      std::reverse(components.begin(), components.end());  // the last applied first
      for (size_t c : components) {
        const Kustomization& comp = *tree.kustomizations[c];
        layers.push_back({comp.root(), comp.doc(), pt.displays[c], comp.dir, false});
      }
    }
  }

  const bool identity = pointer_text == "/apiVersion" || pointer_text == "/kind" ||
                        pointer_text == "/metadata/name" || pointer_text == "/metadata/namespace";
  std::vector<std::string> names = {rendered_name};
  if (!original_name.empty()) names.push_back(original_name);
  const std::string rendered_value = Text(doc->Find(pointer_text));

  /// Whether a patch with `target` (or, without one, the patch document itself) is for the object.
  auto targets = [&](const Node* target, const Node* patch_root) {
    std::string want_kind, want_name, want_group, want_version;
    if (target && target->IsMap()) {
      want_kind = Text(target->Get("kind"));
      want_name = Text(target->Get("name"));
      want_group = Text(target->Get("group"));
      want_version = Text(target->Get("version"));
    } else if (patch_root && patch_root->IsMap()) {
      want_kind = Text(patch_root->Get("kind"));
      want_name = Text(patch_root->Path({"metadata", "name"}));
      if (want_name.empty()) return false;
    } else {
      return false;
    }
    if (!want_kind.empty() && want_kind != kind) return false;
    if (!want_group.empty() || !want_version.empty()) {
      const size_t slash = api_version.find('/');
      const std::string group = slash == std::string::npos ? "" : api_version.substr(0, slash);
      const std::string version =
          slash == std::string::npos ? api_version : api_version.substr(slash + 1);
      if (!want_group.empty() && want_group != group) return false;
      if (!want_version.empty() && want_version != version) return false;
    }
    if (want_name.empty()) return true;
    const RE2 pattern(want_name);
    return std::any_of(names.begin(), names.end(), [&](const std::string& name) {
      return name == want_name || (pattern.ok() && RE2::FullMatch(name, pattern));
    });
  };

  std::optional<Candidate> winner;
  std::optional<Candidate> partial;
  auto consider = [&](Candidate c) {
    if (winner) return;
    if (c.sets && c.depth == tokens.size() && !tokens.empty()) {
      winner = std::move(c);
    } else if (c.depth > 0 && (!partial || c.depth > partial->depth)) {
      partial = std::move(c);
    }
  };
  /// A patch document (strategic merge or JSON 6902) for the object, in `file`.
  auto consider_patch = [&](const Document& patch, const std::string& file, const Node* target) {
    const Node& root = patch.root().Resolved();
    if (root.kind == NodeKind::kSequence) {  // JSON 6902 operations, the last applied first
      if (!target || !targets(target, nullptr)) return;
      for (size_t n = root.items.size(); n-- > 0;) {
        const Node* op = root.items[n];
        if (!op->IsMap()) continue;
        const std::string name = Text(op->Get("op"));
        if (name != "add" && name != "replace") continue;
        const std::vector<std::string> path = Tokens(Text(op->Get("path")));
        if (path.empty() || path.size() > tokens.size()) continue;
        bool match = true;
        const Node* at = &rendered;
        for (size_t t = 0; t < path.size() && match; ++t) {
          if (path[t] == "-") {  // appended: the last item of the rendered list
            const Node* list = at;
            match = list && list->IsSeq() && IsIndex(tokens[t]) &&
                    std::stoul(tokens[t]) + 1 == list->Resolved().items.size();
          } else {
            match = path[t] == tokens[t];
          }
          at = Child(at, tokens[t]);
        }
        if (!match || !op->Get("value")) continue;
        const Translation t = Translate(at, op->Get("value"), tokens, path.size());
        std::string in_patch;
        AppendPointerIndex(in_patch, n);
        in_patch += "/value" + t.pointer;
        consider({file, position(patch, in_patch), path.size() + t.depth, true});
        if (winner) return;
      }
      return;
    }
    if (identity || !targets(target, &root)) return;
    const Translation t = Translate(&rendered, &root, tokens);
    // A list item or map named in a patch only says where the patch applies, and so does a
    // value it repeats (a container's `name:`): it sets the values it changes.
    const bool same = declared_node && t.node && t.node->IsScalar() && declared_node->IsScalar() &&
                      t.node->Text() == declared_node->Text();
    const bool value = t.node && !same && (t.node->IsScalar() || t.node->IsSeq() || !declared_node);
    consider({file, position(patch, t.pointer), t.depth, value});
  };
  /// A patch written in a string of the layer's document.
  auto inline_patch = [&](const Layer& layer, const Node* scalar, const Node* target) {
    if (!layer.doc || !scalar || !scalar->IsScalar()) return;
    const std::optional<std::string> pointer = PointerOf(*layer.doc, scalar);
    if (!pointer) return;
    if (const Document* patch = layer.doc->Embedded(*scalar, *pointer))
      consider_patch(*patch, layer.file, target);
  };
  auto file_patch = [&](const Layer& layer, const std::string& path, const Node* target) {
    const std::string fs_path = (fs::path(layer.dir) / path).lexically_normal().string();
    const std::string display = KustomizeDisplayPath(plan.chart->root, plan.chart->fs_dir, fs_path);
    if (const auto* docs = impl_->Docs(display, fs_path)) {
      for (auto d = docs->rbegin(); d != docs->rend() && !winner; ++d)
        consider_patch(**d, display, target);
    }
  };

  for (const Layer& layer : layers) {
    if (winner) break;
    const Node* root = layer.root;
    if (!root || !root->IsMap()) continue;
    // Transformers run after the patches of their kustomization: they are looked at first.
    // images: the entry for the image's name (before or after a rename).
    if (!tokens.empty() && tokens.back() == "image") {
      const std::string original = declared_node ? Text(declared_node) : rendered_value;
      const std::string original_image = SplitImageName(original).name;
      const ImageName now = SplitImageName(rendered_value);
      if (const Node* images = root->Get("images"); images && images->IsSeq()) {
        for (const Node* entry : images->Resolved().items) {
          if (entry->IsScalar()) {  // the Application's "name=newName:tag"
            const std::string text(entry->Text());
            const size_t eq = text.find('=');
            const std::string name =
                eq == std::string::npos ? SplitImageName(text).name : text.substr(0, eq);
            if (name == original_image || name == now.name)
              consider({layer.file, entry->pos, tokens.size(), true});
          } else if (entry->IsMap()) {
            const std::string name = Text(entry->Get("name"));
            const std::string new_name = Text(entry->Get("newName"));
            if (name != original_image && name != now.name &&
                (new_name.empty() || new_name != now.name))
              continue;
            const Node* at = entry;
            for (std::string_view field : {"newTag", "digest", "newName"}) {
              if (const Node* v = entry->Get(field); v && v->IsScalar()) {
                at = v;
                break;
              }
            }
            consider({layer.file, at->pos, tokens.size(), true});
          }
          if (winner) break;
        }
      }
    }
    if (!winner && pointer_text == "/spec/replicas") {
      if (const Node* replicas = root->Get("replicas"); replicas && replicas->IsSeq()) {
        for (const Node* entry : replicas->Resolved().items) {
          if (!entry->IsMap()) continue;
          const std::string name = Text(entry->Get("name"));
          if (std::find(names.begin(), names.end(), name) == names.end()) continue;
          const Node* count = entry->Get("count");
          consider({layer.file, (count ? count : entry)->pos, tokens.size(), true});
        }
      }
    }
    if (!winner && pointer_text == "/metadata/namespace") {
      if (const Node* ns = root->Get("namespace"); ns && ns->IsScalar())
        consider({layer.file, ns->pos, tokens.size(), true});
    }
    if (!winner && tokens.size() >= 2 && tokens[tokens.size() - 2] == "labels") {
      if (const Node* v = root->Path({"commonLabels", tokens.back()}))
        consider({layer.file, v->pos, tokens.size(), true});
      if (const Node* labels = root->Get("labels"); !winner && labels && labels->IsSeq()) {
        for (const Node* entry : labels->Resolved().items) {
          if (const Node* v = entry->IsMap() ? entry->Path({"pairs", tokens.back()}) : nullptr)
            consider({layer.file, v->pos, tokens.size(), true});
        }
      }
    }
    if (!winner && tokens.size() == 3 && tokens[0] == "metadata" && tokens[1] == "annotations") {
      if (const Node* v = root->Path({"commonAnnotations", tokens.back()}))
        consider({layer.file, v->pos, tokens.size(), true});
    }
    // Patches, the last applied first: JSON 6902, then `patches`, then strategic merge.
    for (std::string_view field : {"patchesJson6902", "patches"}) {
      const Node* list = root->Get(field);
      if (!list || !list->IsSeq()) continue;
      const auto& items = list->Resolved().items;
      for (size_t n = items.size(); n-- > 0 && !winner;) {
        const Node* entry = items[n];
        if (!entry->IsMap()) continue;
        const Node* target = entry->Get("target");
        if (const Node* patch = entry->Get("patch")) {
          inline_patch(layer, patch, target);
        } else if (const std::string path = Text(entry->Get("path")); !path.empty()) {
          file_patch(layer, path, target);
        }
      }
      if (winner) break;
    }
    if (const Node* list = root->Get("patchesStrategicMerge"); !winner && list && list->IsSeq()) {
      const auto& items = list->Resolved().items;
      for (size_t n = items.size(); n-- > 0 && !winner;) {
        const std::string text = Text(items[n]);
        if (text.find('\n') != std::string::npos) {
          inline_patch(layer, items[n], nullptr);
        } else if (!text.empty()) {
          file_patch(layer, text, nullptr);
        }
      }
    }
  }

  // 3. The winner, else what holds most of the pointer (the declaring file on a tie).
  if (winner) {
    move_to(winner->file, winner->pos);
  } else if (declared && (!partial || declared->depth >= partial->depth)) {
    move_to(declared->file, declared->pos);
  } else if (partial) {
    move_to(partial->file, partial->pos);
  } else {
    move_to(plan.anchor_file, plan.anchor_pos);
  }
}

}  // namespace syncgate::render
