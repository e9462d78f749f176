#include "model/application_set.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "checker/scalar_types.h"
#include "checker/text_util.h"
#include "model/values_text.h"

namespace syncgate::model {
namespace fs = std::filesystem;
using Kind = TemplateValue::Kind;

// ---- Repository trees

namespace {

/// Folder order as Go's filepath.WalkDir visits it: names sorted within each folder, depth
/// first ("a", "a/b", "a-b"; a plain string sort would put "a-b" before "a/b").
bool WalkOrder(const std::string& a, const std::string& b) {
  const std::vector<std::string_view> x = Split(a, '/'), y = Split(b, '/');
  return std::lexicographical_compare(x.begin(), x.end(), y.begin(), y.end());
}

class DiskTree final : public RepositoryTree {
 public:
  explicit DiskTree(std::string folder) : folder_(std::move(folder)) {}

  const std::vector<std::string>& Directories() const override {
    if (!walked_) {
      walked_ = true;
      Walk(fs::path(folder_), "");
    }
    return directories_;
  }

  std::vector<std::string> Files(std::string_view under) const override {
    std::vector<std::string> files;
    const fs::path start =
        under.empty() ? fs::path(folder_) : fs::path(folder_) / std::string(under);
    std::error_code ec;
    if (!fs::is_directory(start, ec)) return files;
    for (auto it = fs::recursive_directory_iterator(start, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (it->is_directory(ec) && it->path().filename() == ".git") {
        it.disable_recursion_pending();
        continue;
      }
      if (!it->is_regular_file(ec)) continue;
      files.push_back(fs::relative(it->path(), folder_, ec).generic_string());
    }
    std::sort(files.begin(), files.end());
    return files;
  }

  std::optional<std::string> Read(const std::string& path) const override {
    std::ifstream in(fs::path(folder_) / path, std::ios::binary);
    if (!in) return std::nullopt;
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

 private:
  void Walk(const fs::path& dir, const std::string& rel) const {
    std::vector<std::string> names;
    std::error_code ec;
    for (auto it = fs::directory_iterator(dir, ec); !ec && it != fs::directory_iterator();
         it.increment(ec)) {
      // Symlinked folders are not followed, as WalkDir does not follow them.
      if (it->is_symlink(ec) || !it->is_directory(ec)) continue;
      const std::string name = it->path().filename().string();
      if (!StartsWith(name, ".")) names.push_back(name);
    }
    std::sort(names.begin(), names.end());
    for (const std::string& name : names) {
      const std::string path = rel.empty() ? name : rel + "/" + name;
      directories_.push_back(path);
      Walk(dir / name, path);
    }
  }

  std::string folder_;
  mutable bool walked_ = false;
  mutable std::vector<std::string> directories_;
};

class InMemoryTree final : public RepositoryTree {
 public:
  explicit InMemoryTree(std::map<std::string, std::string> files) : files_(std::move(files)) {
    std::set<std::string> dirs;
    for (const auto& [path, text] : files_) {
      std::string dir = path;
      while (true) {
        const size_t slash = dir.rfind('/');
        if (slash == std::string::npos) break;
        dir.resize(slash);
        bool hidden = false;
        for (std::string_view part : Split(dir, '/')) hidden |= StartsWith(part, ".");
        if (!hidden) dirs.insert(dir);
      }
    }
    directories_.assign(dirs.begin(), dirs.end());
    std::sort(directories_.begin(), directories_.end(), WalkOrder);
  }

  const std::vector<std::string>& Directories() const override { return directories_; }

  std::vector<std::string> Files(std::string_view under) const override {
    std::vector<std::string> out;
    for (const auto& [path, text] : files_) {
      if (under.empty() || StartsWith(path, std::string(under) + "/")) out.push_back(path);
    }
    return out;
  }

  std::optional<std::string> Read(const std::string& path) const override {
    auto it = files_.find(path);
    if (it == files_.end()) return std::nullopt;
    return it->second;
  }

 private:
  std::map<std::string, std::string> files_;
  std::vector<std::string> directories_;
};

}  // namespace

RepositoryTreePtr FolderTree(std::string folder) {
  return std::make_shared<DiskTree>(std::move(folder));
}

RepositoryTreePtr MemoryTree(std::map<std::string, std::string> files) {
  return std::make_shared<InMemoryTree>(std::move(files));
}

// ---- Patterns

namespace {

/// One character class `[...]` at `p` (after the '['): whether `c` is in it; `p` moves past ']'.
bool MatchClass(std::string_view pattern, size_t& p, char c, bool& valid) {
  valid = true;
  bool negate = false;
  if (p < pattern.size() && (pattern[p] == '^' || pattern[p] == '!')) {
    negate = true;
    ++p;
  }
  bool matched = false;
  bool first = true;
  while (p < pattern.size() && (pattern[p] != ']' || first)) {
    first = false;
    char lo = pattern[p];
    if (lo == '\\' && p + 1 < pattern.size()) lo = pattern[++p];
    ++p;
    char hi = lo;
    if (p + 1 < pattern.size() && pattern[p] == '-' && pattern[p + 1] != ']') {
      hi = pattern[p + 1];
      if (hi == '\\' && p + 2 < pattern.size()) hi = pattern[++p + 1];
      p += 2;
    }
    if (lo <= c && c <= hi) matched = true;
  }
  if (p >= pattern.size()) {
    valid = false;
    return false;
  }
  ++p;  // ']'
  return matched != negate;
}

/// Glob matching with backtracking; `slash_stops` makes `*` and `?` not match '/'.
bool Glob(std::string_view pattern, std::string_view name, bool slash_stops) {
  size_t p = 0, n = 0;
  size_t star_p = std::string_view::npos, star_n = 0;
  while (n < name.size()) {
    if (p < pattern.size()) {
      const char c = pattern[p];
      if (c == '*') {
        while (p < pattern.size() && pattern[p] == '*') ++p;
        star_p = p;
        star_n = n;
        continue;
      }
      if (c == '?' && !(slash_stops && name[n] == '/')) {
        ++p;
        ++n;
        continue;
      }
      if (c == '[') {
        size_t q = p + 1;
        bool valid = true;
        const bool in = MatchClass(pattern, q, name[n], valid);
        if (!valid) return false;
        if (in) {
          p = q;
          ++n;
          continue;
        }
      } else if (c != '?') {
        char literal = c;
        size_t next = p + 1;
        if (c == '\\' && p + 1 < pattern.size()) {
          literal = pattern[p + 1];
          next = p + 2;
        }
        if (literal == name[n]) {
          p = next;
          ++n;
          continue;
        }
      }
    }
    // Backtrack: let the last `*` take one more character.
    if (star_p == std::string_view::npos) return false;
    if (slash_stops && name[star_n] == '/') return false;
    p = star_p;
    n = ++star_n;
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

}  // namespace

bool GoPathMatch(std::string_view pattern, std::string_view name) {
  return Glob(pattern, name, true);
}

bool GitPathspecMatch(std::string_view pattern, std::string_view path) {
  while (StartsWith(pattern, "./")) pattern.remove_prefix(2);
  if (pattern.find_first_of("*?[\\") == std::string_view::npos) {
    while (EndsWith(pattern, "/")) pattern.remove_suffix(1);
    return pattern.empty() || path == pattern ||
           (StartsWith(path, pattern) && path.size() > pattern.size() &&
            path[pattern.size()] == '/');
  }
  return Glob(pattern, path, false);
}

// ---- Expansion

namespace {

/// Why a generator produced no parameters.
struct Failure {
  std::string message;
  std::string needs_cluster;  // the generator type that needs a cluster or an API, if that is why
  bool unsupported = false;   // syncgate's limit rather than an error ArgoCD would report
};

struct Params {
  std::vector<TemplateValue> sets;  // each a map
  std::optional<Failure> failure;
};

/// The generator types a cluster or an API is needed for, and what they read.
const std::map<std::string, std::string, std::less<>>& ClusterGenerators() {
  static const std::map<std::string, std::string, std::less<>> kTypes = {
      {"clusters", "it reads Argo CD's cluster Secrets, which only a cluster has"},
      {"clusterDecisionResource", "it reads a custom resource of the cluster"},
      {"scmProvider", "it lists repositories through an SCM provider's API"},
      {"pullRequest", "it lists pull requests through an SCM provider's API"},
      {"plugin", "it calls a generator plugin service"},
      {"clusterProfile", "it reads ClusterProfiles of the cluster"},
  };
  return kTypes;
}

const std::vector<std::string>& LocalGenerators() {
  static const std::vector<std::string> kTypes = {"list", "git", "matrix", "merge"};
  return kTypes;
}

/// The generator type keys of one generator entry, in written order.
std::vector<std::string> TypesOf(const TemplateValue& gen) {
  std::vector<std::string> types;
  for (const auto& e : gen.entries) {
    if (e.key == "selector" || e.value.IsNullish()) continue;
    types.push_back(e.key);
  }
  return types;
}

std::string Describe(const TemplateValue& gen) {
  const std::vector<std::string> types = TypesOf(gen);
  if (types.empty()) return "empty";
  const std::string& type = types.front();
  const TemplateValue* body = gen.Get(type);
  if (type == "git" && body) {
    if (body->Get("directories")) return "git directories";
    if (body->Get("files")) return "git files";
  }
  if ((type == "matrix" || type == "merge") && body) {
    std::string inner;
    if (const TemplateValue* children = body->Get("generators"); children && children->IsList()) {
      for (const TemplateValue& child : children->items) {
        inner += (inner.empty() ? "" : ", ") + Describe(child);
      }
    }
    return type + "(" + inner + ")";
  }
  return type;
}

/// The first generator below `gen` that needs a cluster, with its description; empty if none.
std::string NeedsCluster(const TemplateValue& gen) {
  for (const std::string& type : TypesOf(gen)) {
    if (ClusterGenerators().count(type)) return type;
    if (type == "matrix" || type == "merge") {
      const TemplateValue* children = gen.Get(type)->Get("generators");
      if (!children || !children->IsList()) continue;
      for (const TemplateValue& child : children->items) {
        if (std::string inner = NeedsCluster(child); !inner.empty()) return inner;
      }
    }
  }
  return "";
}

void StripOrigins(TemplateValue& v) {
  v.origin = {};
  v.literal_block = false;
  for (TemplateValue& item : v.items) StripOrigins(item);
  for (auto& e : v.entries) {
    e.key_origin = {};
    StripOrigins(e.value);
  }
}

/// A YAML or JSON text as sigs.k8s.io/yaml reads it (the first document), without origins.
std::optional<TemplateValue> ParseYaml(const std::string& name, const std::string& text,
                                       std::string& error) {
  LoadResult loaded = LoadYaml(SourceFile::FromText(name, text));
  if (loaded.error) {
    error = fmt::format("{}:{}: {}", name, loaded.error->pos.line, loaded.error->message);
    return std::nullopt;
  }
  if (loaded.documents.empty()) return TemplateValue::Null();
  TemplateValue v = ValueFromNode(loaded.documents.front()->root(), "");
  StripOrigins(v);
  return v;
}

/// Go's path.Dir and path.Base on '/'-separated paths.
std::string PathDir(std::string_view p) {
  const size_t slash = p.rfind('/');
  if (slash == std::string_view::npos) return ".";
  if (slash == 0) return "/";
  return std::string(p.substr(0, slash));
}
std::string PathBase(std::string_view p) {
  while (p.size() > 1 && p.back() == '/') p.remove_suffix(1);
  if (p.empty()) return ".";
  const size_t slash = p.rfind('/');
  return std::string(slash == std::string_view::npos ? p : p.substr(slash + 1));
}

class Expander {
 public:
  Expander(const Document& appset, const RepositoryLookup& repos) : doc_(appset), repos_(repos) {}

  ApplicationSetExpansion Run();

 private:
  // Templates.
  bool Replace(std::string_view text, const TemplateValue& params, std::string& out,
               Failure& failure) const;
  bool RenderTree(TemplateValue& v, const TemplateValue& params, bool trace,
                  Failure& failure) const;
  const TemplateValue* FindParameter(const TemplateValue& params, std::string_view text) const;

  // Generators.
  Params Generate(const TemplateValue& written, const TemplateValue* interpolate, int depth) const;
  Params List(const TemplateValue& list) const;
  Params Git(const TemplateValue& git) const;
  Params Matrix(const TemplateValue& matrix, int depth) const;
  Params Merge(const TemplateValue& merge, int depth) const;
  bool AddValues(const TemplateValue& git, TemplateValue& params, Failure& failure) const;
  void PathParams(const std::string& dir, const std::string* file, const std::string& prefix,
                  TemplateValue& params) const;
  bool Selected(const TemplateValue& selector, const TemplateValue& params, Failure& f) const;

  // Applications.
  std::optional<Failure> RenderApplication(const TemplateValue& tmpl, const TemplateValue& params,
                                           TemplateValue& app) const;
  bool ApplyPatch(TemplateValue& app, const TemplateValue& params, Failure& failure) const;
  ValueOrigin PatchLineOrigin(int rendered_line, int rendered_column,
                              const std::vector<std::string>& rendered_lines) const;
  void Emit(const TemplateValue& app, GeneratedApplication& out) const;
  std::optional<LiteralOrigin> LiteralAt(const ValueOrigin& origin) const;

  const Document& doc_;
  const RepositoryLookup& repos_;
  bool go_ = false;
  GoTemplateOptions options_;
  bool apply_nested_selectors_ = false;
  bool preserve_resources_ = false;
  ValueOrigin template_origin_;
  std::optional<TemplateValue> patch_;  // spec.templatePatch, a string
};

// -- Templates

bool Expander::Replace(std::string_view text, const TemplateValue& params, std::string& out,
                       Failure& failure) const {
  const TemplateResult r =
      go_ ? RenderGoTemplate(text, params, options_) : RenderFastTemplate(text, params);
  if (!r.ok) {
    failure.message = r.error;
    failure.unsupported = r.unsupported;
    return false;
  }
  out = r.text;
  return true;
}

const TemplateValue* Expander::FindParameter(const TemplateValue& params,
                                             std::string_view text) const {
  const auto chain = SoleParameter(text, go_);
  if (!chain) return nullptr;
  if (!go_) return params.Get((*chain)[0]);
  const TemplateValue* at = &params;
  for (const std::string& field : *chain) {
    at = at->Get(field);
    if (!at) return nullptr;
  }
  return at;
}

/// Renders every string and map key of `v` (ArgoCD templates keys too). With `trace`, a
/// string made of one parameter takes that parameter's origin (a list element's line).
bool Expander::RenderTree(TemplateValue& v, const TemplateValue& params, bool trace,
                          Failure& failure) const {
  if (v.IsString()) {
    std::string out;
    if (!Replace(v.text, params, out, failure)) return false;
    if (trace && out != v.text) {
      if (const TemplateValue* p = FindParameter(params, v.text); p && p->origin.known()) {
        v.origin = p->origin;
      }
    }
    if (v.literal_block && std::count(out.begin(), out.end(), '\n') !=
                               std::count(v.text.begin(), v.text.end(), '\n')) {
      v.literal_block = false;  // lines were added or removed: they no longer map one to one
    }
    v.text = std::move(out);
    return true;
  }
  for (TemplateValue& item : v.items) {
    if (!RenderTree(item, params, trace, failure)) return false;
  }
  for (auto& e : v.entries) {
    std::string key;
    if (!Replace(e.key, params, key, failure)) return false;
    e.key = std::move(key);
    if (!RenderTree(e.value, params, trace, failure)) return false;
  }
  return true;
}

// -- Generators

bool Expander::Selected(const TemplateValue& selector, const TemplateValue& params,
                        Failure& failure) const {
  // Only the parameters that are strings take part (keepOnlyStringValues).
  auto label = [&](const std::string& key) -> const std::string* {
    const TemplateValue* v = params.Get(key);
    return v && v->IsString() ? &v->text : nullptr;
  };
  if (const TemplateValue* labels = selector.Get("matchLabels"); labels && labels->IsMap()) {
    for (const auto& e : labels->entries) {
      const std::string* value = label(e.key);
      if (!value || *value != StrValOf(e.value)) return false;
    }
  }
  if (const TemplateValue* exprs = selector.Get("matchExpressions"); exprs && exprs->IsList()) {
    for (const TemplateValue& expr : exprs->items) {
      const TemplateValue* key = expr.Get("key");
      const TemplateValue* op = expr.Get("operator");
      if (!key || !op || !key->IsString() || !op->IsString()) {
        failure.message = "a selector's matchExpressions entry needs key and operator";
        return false;
      }
      std::set<std::string> values;
      if (const TemplateValue* list = expr.Get("values"); list && list->IsList()) {
        for (const TemplateValue& item : list->items) values.insert(StrValOf(item));
      }
      const std::string* value = label(key->text);
      const std::string& o = op->text;
      bool ok = false;
      if (o == "In") {
        ok = value && values.count(*value);
      } else if (o == "NotIn") {
        ok = !value || !values.count(*value);
      } else if (o == "Exists") {
        ok = value != nullptr;
      } else if (o == "DoesNotExist") {
        ok = value == nullptr;
      } else {
        failure.message = fmt::format("selector operator '{}' is not a valid operator", o);
        return false;
      }
      if (!ok) return false;
    }
  }
  return true;
}

Params Expander::Generate(const TemplateValue& written, const TemplateValue* interpolate,
                          int depth) const {
  Params result;
  if (!written.IsMap()) {
    result.failure = Failure{"a generator must be a map", "", false};
    return result;
  }
  TemplateValue gen = written;
  const std::vector<std::string> types = TypesOf(gen);
  if (types.empty()) {
    result.failure = Failure{"the generator names no type (list, git, matrix, ...)", "", false};
    return result;
  }
  if (types.size() > 1) {
    result.failure =
        Failure{fmt::format("one entry names several generators ({}); ArgoCD runs them as "
                            "separate generators, which syncgate does not",
                            fmt::join(types, ", ")),
                "", true};
    return result;
  }
  const std::string& type = types.front();
  if (auto it = ClusterGenerators().find(type); it != ClusterGenerators().end()) {
    result.failure = Failure{fmt::format("{} generator: {}", type, it->second), type, false};
    return result;
  }
  if (std::find(LocalGenerators().begin(), LocalGenerators().end(), type) ==
      LocalGenerators().end()) {
    result.failure = Failure{fmt::format("unknown generator '{}'", type), "", true};
    return result;
  }
  // The second child of a matrix sees the first child's parameters (InterpolateGenerator).
  if (interpolate && !interpolate->entries.empty()) {
    Failure failure;
    if (!RenderTree(gen, *interpolate, false, failure)) {
      failure.message = "interpolating the matrix's parameters: " + failure.message;
      result.failure = failure;
      return result;
    }
  }
  const TemplateValue& body = *gen.Get(type);
  if (type == "list") result = List(body);
  if (type == "git") result = Git(body);
  if (type == "matrix") result = Matrix(body, depth);
  if (type == "merge") result = Merge(body, depth);
  if (result.failure) return result;
  // A selector filters the parameter sets; below a nested matrix or merge only with
  // applyNestedSelectors.
  if (const TemplateValue* selector = gen.Get("selector");
      selector && selector->IsMap() && (depth < 2 || apply_nested_selectors_)) {
    std::vector<TemplateValue> kept;
    for (TemplateValue& params : result.sets) {
      Failure failure;
      const bool selected = Selected(*selector, params, failure);
      if (!failure.message.empty()) {
        result.failure = failure;
        return result;
      }
      if (selected) kept.push_back(std::move(params));
    }
    result.sets = std::move(kept);
  }
  return result;
}

Params Expander::List(const TemplateValue& list) const {
  Params result;
  std::vector<TemplateValue> elements;
  if (const TemplateValue* items = list.Get("elements"); items && items->IsList()) {
    elements = items->items;
  }
  if (const TemplateValue* yaml = list.Get("elementsYaml");
      yaml && yaml->IsString() && !yaml->text.empty()) {
    std::string error;
    std::optional<TemplateValue> parsed = ParseYaml("elementsYaml", yaml->text, error);
    if (!parsed || !parsed->IsList()) {
      result.failure = Failure{
          "error unmarshling decoded ElementsYaml: " + (error.empty() ? "not a list" : error), "",
          false};
      return result;
    }
    for (TemplateValue& element : parsed->items) {
      // Values written inside the string trace to the elementsYaml line.
      std::function<void(TemplateValue&)> at_yaml = [&](TemplateValue& v) {
        v.origin = yaml->origin;
        for (auto& item : v.items) at_yaml(item);
        for (auto& e : v.entries) at_yaml(e.value);
      };
      at_yaml(element);
      elements.push_back(std::move(element));
    }
  }
  for (const TemplateValue& element : elements) {
    if (!element.IsMap()) {
      if (element.IsNullish()) {
        result.sets.push_back(TemplateValue::Map());
        continue;
      }
      result.failure =
          Failure{fmt::format("error unmarshling list element: {} is not an object at line {}",
                              GoPrint(element), element.origin.pos.line),
                  "", false};
      return result;
    }
    if (go_) {
      result.sets.push_back(element);
      continue;
    }
    // fasttemplate: every value must be a string; `values` a map of strings.
    TemplateValue params = TemplateValue::Map();
    for (const auto& e : element.entries) {
      if (e.key == "values" && e.value.IsMap()) {
        for (const auto& v : e.value.entries) {
          if (!v.value.IsString()) {
            result.failure = Failure{
                fmt::format("error parsing value as string: values.{} is {} at line {} (without "
                            "goTemplate every list value must be a string: quote it)",
                            v.key, GoPrint(v.value), v.value.origin.pos.line),
                "", false};
            return result;
          }
          params.Set("values." + v.key, v.value, v.key_origin);
        }
        continue;
      }
      if (!e.value.IsString()) {
        result.failure = Failure{
            fmt::format("error parsing value as string: {} is {} at line {} (without goTemplate "
                        "every list value must be a string: quote it)",
                        e.key, GoPrint(e.value), e.value.origin.pos.line),
            "", false};
        return result;
      }
      params.Set(e.key, e.value, e.key_origin);
    }
    result.sets.push_back(std::move(params));
  }
  return result;
}

void Expander::PathParams(const std::string& dir, const std::string* file,
                          const std::string& prefix, TemplateValue& params) const {
  const std::vector<std::string_view> segments = Split(dir, '/');
  if (go_) {
    TemplateValue path = TemplateValue::Map();
    path.Set("path", TemplateValue::String(dir));
    path.Set("basename", TemplateValue::String(PathBase(dir)));
    if (file) path.Set("filename", TemplateValue::String(PathBase(*file)));
    path.Set("basenameNormalized", TemplateValue::String(SanitizeName(PathBase(dir))));
    if (file) path.Set("filenameNormalized", TemplateValue::String(SanitizeName(PathBase(*file))));
    TemplateValue list = TemplateValue::List();
    for (std::string_view s : segments) list.items.push_back(TemplateValue::String(std::string(s)));
    path.Set("segments", std::move(list));
    if (prefix.empty()) {
      params.Set("path", std::move(path));
    } else {
      TemplateValue wrapper = TemplateValue::Map();
      wrapper.Set("path", std::move(path));
      params.Set(prefix, std::move(wrapper));
    }
    return;
  }
  const std::string name = prefix.empty() ? "path" : prefix + ".path";
  params.Set(name, TemplateValue::String(dir));
  params.Set(name + ".basename", TemplateValue::String(PathBase(dir)));
  if (file) params.Set(name + ".filename", TemplateValue::String(PathBase(*file)));
  params.Set(name + ".basenameNormalized", TemplateValue::String(SanitizeName(PathBase(dir))));
  if (file) {
    params.Set(name + ".filenameNormalized", TemplateValue::String(SanitizeName(PathBase(*file))));
  }
  for (size_t i = 0; i < segments.size(); ++i) {
    if (!segments[i].empty()) {
      params.Set(fmt::format("{}[{}]", name, i), TemplateValue::String(std::string(segments[i])));
    }
  }
}

bool Expander::AddValues(const TemplateValue& git, TemplateValue& params, Failure& failure) const {
  const TemplateValue* values = git.Get("values");
  if (!values || !values->IsMap() || values->entries.empty()) return true;
  // Rendered against the parameters so far, then added (appendTemplatedValues).
  TemplateValue rendered = TemplateValue::Map();
  for (const auto& e : values->entries) {
    TemplateValue v = e.value;
    std::string text = StrValOf(v);
    std::string out;
    if (!Replace(text, params, out, failure)) return false;
    v = TemplateValue::String(out);
    v.origin = e.value.origin;
    rendered.Set(e.key, std::move(v), e.key_origin);
  }
  if (go_) {
    params.Set("values", std::move(rendered));
  } else {
    for (auto& e : rendered.entries)
      params.Set("values." + e.key, std::move(e.value), e.key_origin);
  }
  return true;
}

/// The folder a pathspec's files are under: its path up to the last '/' before a wildcard.
std::string LiteralPrefix(std::string_view pattern) {
  const size_t wild = pattern.find_first_of("*?[\\");
  const std::string_view literal = pattern.substr(0, wild);
  const size_t slash = literal.rfind('/');
  if (wild == std::string_view::npos) return "";  // a file or folder: match over everything
  return slash == std::string_view::npos ? "" : std::string(literal.substr(0, slash));
}

Params Expander::Git(const TemplateValue& git) const {
  Params result;
  const TemplateValue* url = git.Get("repoURL");
  if (!url || !url->IsString() || url->text.empty()) {
    result.failure = Failure{"the git generator has no repoURL", "", false};
    return result;
  }
  if (url->text.find("{{") != std::string::npos) {
    result.failure = Failure{
        fmt::format("repoURL '{}' is a template no generator here fills", url->text), "", true};
    return result;
  }
  const TemplateValue* directories = git.Get("directories");
  const TemplateValue* files = git.Get("files");
  const bool has_dirs = directories && directories->IsList() && !directories->items.empty();
  const bool has_files = files && files->IsList() && !files->items.empty();
  if (!has_dirs && !has_files) {
    result.failure = Failure{"the git generator lists no directories or files", "", false};
    return result;
  }
  Expected<RepositoryTreePtr> tree = repos_(url->text);
  if (!tree) {
    result.failure = Failure{tree.error().message, "", true};
    return result;
  }
  std::string prefix;
  if (const TemplateValue* p = git.Get("pathParamPrefix"); p && p->IsString()) prefix = p->text;
  if (has_dirs) {
    for (const std::string& dir : (*tree)->Directories()) {
      bool include = false, exclude = false;
      for (const TemplateValue& item : directories->items) {
        const TemplateValue* path = item.Get("path");
        if (!path || !path->IsString()) continue;
        if (!GoPathMatch(path->text, dir)) continue;
        const TemplateValue* ex = item.Get("exclude");
        if (ex && ex->kind == Kind::kBool && ex->boolean) {
          exclude = true;
        } else {
          include = true;
        }
      }
      if (!include || exclude) continue;
      TemplateValue params = TemplateValue::Map();
      PathParams(dir, nullptr, prefix, params);
      Failure failure;
      if (!AddValues(git, params, failure)) {
        result.failure = failure;
        return result;
      }
      result.sets.push_back(std::move(params));
    }
    return result;
  }
  // Files: every include pattern's matches, less every exclude pattern's, sorted.
  std::set<std::string> matched;
  for (bool excluding : {false, true}) {
    for (const TemplateValue& item : files->items) {
      const TemplateValue* path = item.Get("path");
      if (!path || !path->IsString() || path->text.empty()) continue;
      const TemplateValue* ex = item.Get("exclude");
      if ((ex && ex->kind == Kind::kBool && ex->boolean) != excluding) continue;
      for (const std::string& file : (*tree)->Files(LiteralPrefix(path->text))) {
        if (!GitPathspecMatch(path->text, file)) continue;
        if (excluding) {
          matched.erase(file);
        } else {
          matched.insert(file);
        }
      }
    }
  }
  for (const std::string& file : matched) {
    std::optional<std::string> text = (*tree)->Read(file);
    if (!text) {
      result.failure = Failure{fmt::format("cannot read '{}'", file), "", true};
      return result;
    }
    std::string error;
    std::optional<TemplateValue> parsed = ParseYaml(file, *text, error);
    std::vector<TemplateValue> objects;
    if (parsed && parsed->IsMap()) {
      objects.push_back(std::move(*parsed));
    } else if (parsed && parsed->IsNullish()) {
      objects.push_back(TemplateValue::Map());  // an empty file: one set of path parameters
    } else if (parsed && parsed->IsList() &&
               std::all_of(parsed->items.begin(), parsed->items.end(),
                           [](const TemplateValue& v) { return v.IsMap() || v.IsNullish(); })) {
      for (TemplateValue& item : parsed->items) {
        objects.push_back(item.IsMap() ? std::move(item) : TemplateValue::Map());
      }
    } else {
      result.failure =
          Failure{fmt::format("unable to process file '{}': {}", file,
                              error.empty() ? "not an object or a list of objects" : error),
                  "", false};
      return result;
    }
    for (TemplateValue& object : objects) {
      TemplateValue params = TemplateValue::Map();
      if (go_) {
        params = std::move(object);
      } else {
        // Nested keys flattened with dots, every value printed as %v (jeremywohl/flatten).
        std::function<void(const std::string&, const TemplateValue&)> flatten =
            [&](const std::string& key, const TemplateValue& v) {
              if (v.IsMap()) {
                for (const auto& e : v.entries)
                  flatten(key.empty() ? e.key : key + "." + e.key, e.value);
              } else if (v.IsList()) {
                for (size_t i = 0; i < v.items.size(); ++i) {
                  flatten(key.empty() ? std::to_string(i) : key + "." + std::to_string(i),
                          v.items[i]);
                }
              } else {
                params.Set(key, TemplateValue::String(GoPrint(v)));
              }
            };
        flatten("", object);
      }
      PathParams(PathDir(file), &file, prefix, params);
      Failure failure;
      if (!AddValues(git, params, failure)) {
        result.failure = failure;
        return result;
      }
      result.sets.push_back(std::move(params));
    }
  }
  return result;
}

/// mergo.Merge of parameter maps: `from` fills what `into` lacks (or has empty); with
/// `override`, `from` wins. Maps merge key by key.
void MergeParams(TemplateValue& into, const TemplateValue& from, bool override) {
  for (const auto& e : from.entries) {
    TemplateValue* existing = into.Get(e.key);
    if (!existing) {
      into.Set(e.key, e.value, e.key_origin);
    } else if (existing->IsMap() && e.value.IsMap()) {
      MergeParams(*existing, e.value, override);
    } else if (override || !TruthOf(*existing)) {
      if (override && !TruthOf(e.value)) continue;  // mergo skips empty source values
      *existing = e.value;
    }
  }
}

Params Expander::Matrix(const TemplateValue& matrix, int depth) const {
  Params result;
  const TemplateValue* children = matrix.Get("generators");
  if (!children || !children->IsList() || children->items.size() < 2) {
    result.failure = Failure{"found less than two generators, Matrix support only two", "", false};
    return result;
  }
  result = Generate(children->items[0], nullptr, depth + 1);
  if (result.failure) return result;
  for (size_t i = 1; i < children->items.size(); ++i) {
    std::vector<TemplateValue> combined;
    for (const TemplateValue& prev : result.sets) {
      Params next = Generate(children->items[i], &prev, depth + 1);
      if (next.failure) {
        next.failure->message =
            fmt::format("generator {} of the matrix: {}", i + 1, next.failure->message);
        return next;
      }
      for (const TemplateValue& current : next.sets) {
        TemplateValue merged = TemplateValue::Map();
        if (go_) {
          MergeParams(merged, prev, false);
          MergeParams(merged, current, false);
        } else {
          merged = prev;
          for (const auto& e : current.entries) {
            const TemplateValue* existing = merged.Get(e.key);
            if (existing && StrValOf(*existing) != StrValOf(e.value)) {
              result.failure =
                  Failure{fmt::format("found duplicate key {} with different value, a: {} ,b: {}",
                                      e.key, StrValOf(*existing), StrValOf(e.value)),
                          "", false};
              return result;
            }
            merged.Set(e.key, e.value, e.key_origin);
          }
        }
        combined.push_back(std::move(merged));
      }
    }
    result.sets = std::move(combined);
  }
  return result;
}

Params Expander::Merge(const TemplateValue& merge, int depth) const {
  Params result;
  const TemplateValue* children = merge.Get("generators");
  if (!children || !children->IsList() || children->items.size() < 2) {
    result.failure =
        Failure{"found less than two generators, Merge requires two or more", "", false};
    return result;
  }
  std::vector<std::string> keys;
  if (const TemplateValue* k = merge.Get("mergeKeys"); k && k->IsList()) {
    for (const TemplateValue& key : k->items) keys.push_back(StrValOf(key));
  }
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  if (keys.empty()) {
    result.failure =
        Failure{"no merge keys were specified, Merge requires at least one", "", false};
    return result;
  }
  auto key_of = [&](const TemplateValue& params) {
    TemplateValue key = TemplateValue::Map();
    for (const std::string& k : keys) {
      const TemplateValue* v = params.Get(k);
      key.Set(k, v ? *v : TemplateValue::Null());
    }
    return GoJson(key);
  };
  result = Generate(children->items[0], nullptr, depth + 1);
  if (result.failure) return result;
  for (size_t i = 1; i < children->items.size(); ++i) {
    Params other = Generate(children->items[i], nullptr, depth + 1);
    if (other.failure) {
      other.failure->message =
          fmt::format("generator {} of the merge: {}", i + 1, other.failure->message);
      return other;
    }
    std::map<std::string, const TemplateValue*> by_key;
    for (const TemplateValue& params : other.sets) {
      const std::string key = key_of(params);
      if (!by_key.emplace(key, &params).second) {
        result.failure = Failure{
            fmt::format("the parameters from a generator were not unique by the given "
                        "mergeKeys, Merge requires all param sets to be unique. Duplicate key "
                        "was {}",
                        key),
            "", false};
        return result;
      }
    }
    for (TemplateValue& base : result.sets) {
      auto it = by_key.find(key_of(base));
      if (it == by_key.end()) continue;
      if (go_) {
        MergeParams(base, *it->second, true);
      } else {
        for (const auto& e : it->second->entries) base.Set(e.key, e.value, e.key_origin);
      }
    }
  }
  return result;
}

// -- Applications

/// A strategic merge patch of an Application (whose types declare no list merge keys): maps
/// merge, lists and scalars are replaced, null deletes.
void MergePatch(TemplateValue& into, const TemplateValue& patch) {
  for (const auto& e : patch.entries) {
    if (e.value.IsNullish()) {
      into.Erase(e.key);
      continue;
    }
    TemplateValue* existing = into.Get(e.key);
    if (existing && existing->IsMap() && e.value.IsMap()) {
      MergePatch(*existing, e.value);
    } else {
      into.Set(e.key, e.value, e.key_origin);
    }
  }
}

std::optional<LiteralOrigin> Expander::LiteralAt(const ValueOrigin& origin) const {
  // A literal block's node is positioned at its `|`; the content starts on the next line.
  const SourceFile& source = doc_.source();
  for (int line = origin.pos.line + 1; line <= source.line_count(); ++line) {
    const std::string_view text = source.Line(line);
    const size_t indent = text.find_first_not_of(' ');
    if (indent == std::string_view::npos) continue;
    return LiteralOrigin{origin.pos.line + 1, static_cast<int>(indent) + 1};
  }
  return std::nullopt;
}

ValueOrigin Expander::PatchLineOrigin(int rendered_line, int rendered_column,
                                      const std::vector<std::string>& rendered_lines) const {
  const TemplateValue& patch = *patch_;
  ValueOrigin fallback = patch.origin;
  if (!patch.literal_block || rendered_line < 1 ||
      rendered_line > static_cast<int>(rendered_lines.size())) {
    return fallback;
  }
  const std::optional<LiteralOrigin> block = LiteralAt(patch.origin);
  if (!block) return fallback;
  // The written line the rendered one came from: the same text, else the same key.
  const std::string_view rendered = rendered_lines[rendered_line - 1];
  const std::string_view trimmed = Trim(rendered);
  const std::vector<std::string_view> written = Split(patch.text, '\n');
  const size_t colon = trimmed.find(':');
  const std::string_view key = colon == std::string_view::npos ? "" : trimmed.substr(0, colon + 1);
  int found = -1;
  bool same = false;
  for (size_t i = 0; i < written.size() && found < 0; ++i) {
    if (written[i] == rendered) {
      found = static_cast<int>(i);
      same = true;
    }
  }
  for (size_t i = 0; i < written.size() && found < 0 && !key.empty(); ++i) {
    if (StartsWith(Trim(written[i]), key)) found = static_cast<int>(i);
  }
  if (found < 0) return fallback;
  const std::string_view line = written[found];
  const int indent = static_cast<int>(line.find_first_not_of(' '));
  ValueOrigin origin;
  origin.pointer = patch.origin.pointer;
  origin.pos.line = block->first_line + found;
  origin.pos.column = block->column + (same ? rendered_column - 1 : std::max(indent, 0));
  return origin;
}

bool Expander::ApplyPatch(TemplateValue& app, const TemplateValue& params, Failure& failure) const {
  std::string rendered;
  if (!Replace(patch_->text, params, rendered, failure)) {
    failure.message = "error replacing values in templatePatch: " + failure.message;
    return false;
  }
  LoadResult loaded = LoadYaml(SourceFile::FromText("templatePatch", rendered));
  if (loaded.error) {
    failure.message = fmt::format("invalid templatePatch: line {}: {}", loaded.error->pos.line,
                                  loaded.error->message);
    return false;
  }
  if (loaded.documents.empty() || loaded.documents.front()->root().IsNull()) return true;
  const Node& root = loaded.documents.front()->root();
  if (!root.IsMap()) {
    failure.message = "invalid templatePatch: it is not a map";
    return false;
  }
  TemplateValue patch = ValueFromNode(root, "");
  // Every value of the patch traces to its line in templatePatch.
  std::vector<std::string> lines;
  for (std::string_view l : Split(rendered, '\n')) lines.emplace_back(l);
  std::function<void(TemplateValue&)> place = [&](TemplateValue& v) {
    v.origin = PatchLineOrigin(v.origin.pos.line, v.origin.pos.column, lines);
    v.literal_block = false;
    for (auto& item : v.items) place(item);
    for (auto& e : v.entries) {
      e.key_origin = PatchLineOrigin(e.key_origin.pos.line, e.key_origin.pos.column, lines);
      place(e.value);
    }
  };
  place(patch);
  // The patch may not change the project (ArgoCD keeps the template's).
  std::optional<TemplateValue> project;
  if (const TemplateValue* spec = app.Get("spec")) {
    if (const TemplateValue* p = spec->Get("project")) project = *p;
  }
  MergePatch(app, patch);
  if (TemplateValue* spec = app.Get("spec"); spec && spec->IsMap()) {
    if (project) {
      TemplateValue* p = spec->Get("project");
      if (p) {
        *p = *project;
      } else {
        spec->Set("project", *project);
      }
    } else {
      spec->Erase("project");
    }
  }
  return true;
}

std::optional<Failure> Expander::RenderApplication(const TemplateValue& tmpl,
                                                   const TemplateValue& params,
                                                   TemplateValue& app) const {
  // GetTempApplication: the template's name, namespace, labels, annotations, finalizers and
  // spec make the Application; nothing else of its metadata.
  TemplateValue metadata = TemplateValue::Map();
  const TemplateValue* written_meta = tmpl.Get("metadata");
  if (written_meta) metadata.origin = written_meta->origin;
  for (const char* key : {"name", "namespace", "labels", "annotations", "finalizers"}) {
    if (!written_meta || !written_meta->IsMap()) break;
    for (const auto& e : written_meta->entries) {
      if (e.key == key && !e.value.IsNullish()) metadata.Set(e.key, e.value, e.key_origin);
    }
  }
  TemplateValue spec = TemplateValue::Map();
  ValueOrigin spec_key = template_origin_;
  for (const auto& e : tmpl.entries) {
    if (e.key == "spec") {
      spec = e.value;
      spec_key = e.key_origin;
    }
  }
  Failure failure;
  if (!params.entries.empty()) {
    // RenderTemplateParams renders nothing for an empty parameter set.
    if (!RenderTree(metadata, params, true, failure) || !RenderTree(spec, params, true, failure)) {
      return failure;
    }
    const TemplateValue* finalizers = metadata.Get("finalizers");
    if (!preserve_resources_ &&
        (!finalizers || !finalizers->IsList() || finalizers->items.empty())) {
      TemplateValue list = TemplateValue::List();
      list.origin = metadata.origin.known() ? metadata.origin : template_origin_;
      TemplateValue item = TemplateValue::String("resources-finalizer.argocd.argoproj.io");
      item.origin = list.origin;
      list.items.push_back(std::move(item));
      const ValueOrigin list_origin = list.origin;
      metadata.Set("finalizers", std::move(list), list_origin);
    }
  }
  app = TemplateValue::Map();
  app.origin = template_origin_;
  TemplateValue api = TemplateValue::String("argoproj.io/v1alpha1");
  api.origin = template_origin_;
  TemplateValue kind = TemplateValue::String("Application");
  kind.origin = template_origin_;
  app.Set("apiVersion", std::move(api), template_origin_);
  app.Set("kind", std::move(kind), template_origin_);
  app.Set("metadata", std::move(metadata), written_meta ? written_meta->origin : template_origin_);
  app.Set("spec", std::move(spec), spec_key);
  if (patch_ && !ApplyPatch(app, params, failure)) return failure;
  return std::nullopt;
}

// -- YAML text

bool LooksLikeDate(std::string_view s) {
  return s.size() >= 10 && std::isdigit(static_cast<unsigned char>(s[0])) &&
         std::isdigit(static_cast<unsigned char>(s[3])) && s[4] == '-' && s[7] == '-';
}

/// Whether a string can be written plain and still read back as the same string by YAML 1.2
/// and 1.1 readers.
bool PlainSafe(std::string_view s) {
  if (s.empty() || s != Trim(s) || s == "=" || s == "<<") return false;
  if (ResolveYaml12(s) != ScalarType::kString || ResolveYaml11(s) != ScalarType::kString)
    return false;
  if (LooksLikeDate(s)) return false;
  const char first = s[0];
  if (std::string_view("?:,[]{}#&*!|>'\"%@`").find(first) != std::string_view::npos) {
    if (!((first == '?' || first == ':') && s.size() > 1 && s[1] != ' ')) return false;
  }
  if (first == '-' && (s.size() == 1 || s[1] == ' ')) return false;
  if (s.find(": ") != std::string_view::npos || s.find(" #") != std::string_view::npos ||
      EndsWith(s, ":")) {
    return false;
  }
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7f) return false;
  }
  return true;
}

/// Whether a multi-line string can be a literal block: no carriage returns or control
/// characters, no whitespace-only lines, and a first line that does not start with a space.
bool LiteralSafe(std::string_view s) {
  if (s.find('\n') == std::string_view::npos) return false;
  for (unsigned char c : s) {
    if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f) return false;
  }
  bool first = true;
  for (std::string_view line : Split(s, '\n')) {
    if (!line.empty() && Trim(line).empty()) return false;
    if (first && !line.empty()) {
      if (line[0] == ' ' || line[0] == '\t') return false;
      first = false;
    }
  }
  return !first;
}

class YamlWriter {
 public:
  YamlWriter(GeneratedApplication& app,
             const std::function<std::optional<LiteralOrigin>(const ValueOrigin&)>& literal)
      : app_(app), literal_(literal) {}

  void Document(const TemplateValue& root) {
    WriteMap(root, 0, "", false);
    app_.yaml = std::move(out_);
  }

 private:
  void Record(const std::string& pointer, const ValueOrigin& value, const ValueOrigin& key) {
    app_.origins[pointer] = {value, key};
  }

  std::string Key(const std::string& key) { return PlainSafe(key) ? key : YamlDoubleQuoted(key); }

  std::string Scalar(const TemplateValue& v) {
    switch (v.kind) {
      case Kind::kMissing:
      case Kind::kNull:
        return "null";
      case Kind::kBool:
        return v.boolean ? "true" : "false";
      case Kind::kNumber:
        if (!v.text.empty() && ResolveYaml12(v.text) == ResolveYaml11(v.text) &&
            ResolveYaml12(v.text) != ScalarType::kString) {
          return v.text;
        }
        return GoJson(v);
      case Kind::kString:
        return PlainSafe(v.text) ? v.text : YamlDoubleQuoted(v.text);
      case Kind::kList:
        return "[]";
      case Kind::kMap:
        return "{}";
    }
    return "null";
  }

  /// A value after "key:" or "- " (the caller wrote that); ends the line.
  void WriteValue(const TemplateValue& v, int indent, const std::string& pointer) {
    if (v.IsMap() && !v.entries.empty()) {
      out_ += '\n';
      WriteMap(v, indent + 2, pointer, false);
      return;
    }
    if (v.IsList() && !v.items.empty()) {
      out_ += '\n';
      WriteList(v, indent + 2, pointer);
      return;
    }
    if (v.IsString() && LiteralSafe(v.text)) {
      const std::string& s = v.text;
      size_t trailing = 0;
      while (trailing < s.size() && s[s.size() - 1 - trailing] == '\n') ++trailing;
      out_ += trailing == 0 ? " |-\n" : trailing == 1 ? " |\n" : " |+\n";
      std::string_view body = s;
      if (trailing > 0) body.remove_suffix(1);
      const std::string pad(static_cast<size_t>(indent + 2), ' ');
      for (std::string_view line : Split(body, '\n')) {
        if (!line.empty()) out_ += pad + std::string(line);
        out_ += '\n';
      }
      if (v.literal_block && v.origin.known()) {
        if (std::optional<LiteralOrigin> at = literal_(v.origin)) app_.literals[pointer] = *at;
      }
      return;
    }
    out_ += ' ' + Scalar(v) + '\n';
  }

  void WriteMap(const TemplateValue& map, int indent, const std::string& pointer,
                bool inline_first) {
    bool first = true;
    for (const auto& e : map.entries) {
      const std::string at = JoinPointer(pointer, e.key);
      if (!(first && inline_first)) out_ += std::string(static_cast<size_t>(indent), ' ');
      first = false;
      out_ += Key(e.key) + ":";
      Record(at, e.value.origin.known() ? e.value.origin : map.origin,
             e.key_origin.known() ? e.key_origin : map.origin);
      WriteValue(e.value, indent, at);
    }
  }

  void WriteList(const TemplateValue& list, int indent, const std::string& pointer) {
    for (size_t i = 0; i < list.items.size(); ++i) {
      const TemplateValue& item = list.items[i];
      const std::string at = pointer + "/" + std::to_string(i);
      Record(at, item.origin.known() ? item.origin : list.origin, list.origin);
      out_ += std::string(static_cast<size_t>(indent), ' ') + "-";
      if (item.IsMap() && !item.entries.empty()) {
        out_ += ' ';
        WriteMap(item, indent + 2, at, true);
      } else {
        WriteValue(item, indent, at);
      }
    }
  }

  GeneratedApplication& app_;
  const std::function<std::optional<LiteralOrigin>(const ValueOrigin&)>& literal_;
  std::string out_;
};

void Expander::Emit(const TemplateValue& app, GeneratedApplication& out) const {
  std::function<std::optional<LiteralOrigin>(const ValueOrigin&)> literal =
      [this](const ValueOrigin& origin) { return LiteralAt(origin); };
  YamlWriter writer(out, literal);
  writer.Document(app);
  out.origins[""] = {template_origin_, template_origin_};
}

ApplicationSetExpansion Expander::Run() {
  ApplicationSetExpansion result;
  const Node& root = doc_.root();
  const Node* spec = root.IsMap() ? root.Get("spec") : nullptr;
  if (!spec || !spec->IsMap()) return result;
  const TemplateValue s = ValueFromNode(*spec, "/spec");
  go_ = s.Get("goTemplate") && TruthOf(*s.Get("goTemplate"));
  if (const TemplateValue* opts = s.Get("goTemplateOptions"); opts && opts->IsList()) {
    for (const TemplateValue& o : opts->items) {
      if (o.IsString() && o.text == "missingkey=error") options_.missing_key_error = true;
    }
  }
  apply_nested_selectors_ =
      s.Get("applyNestedSelectors") && TruthOf(*s.Get("applyNestedSelectors"));
  if (const TemplateValue* policy = s.Get("syncPolicy"); policy && policy->IsMap()) {
    const TemplateValue* preserve = policy->Get("preserveResourcesOnDeletion");
    preserve_resources_ = preserve && TruthOf(*preserve);
  }
  if (const TemplateValue* patch = s.Get("templatePatch"); patch && patch->IsString()) {
    patch_ = *patch;
  }
  const TemplateValue* tmpl = s.Get("template");
  template_origin_ = tmpl ? tmpl->origin : s.origin;
  const TemplateValue* generators = s.Get("generators");
  if (!generators || !generators->IsList()) return result;
  result.generators = generators->items.size();
  std::set<std::string> names;
  // A generator or template ArgoCD fails on makes it create no Application of the whole
  // ApplicationSet (the controller stops at the first error of GenerateApplications).
  std::optional<std::string> fatal;
  std::vector<NotExpanded> expanded;  // the generators that did expand, in case of `fatal`
  for (size_t g = 0; g < generators->items.size(); ++g) {
    const TemplateValue& gen = generators->items[g];
    const std::vector<std::string> types = gen.IsMap() ? TypesOf(gen) : std::vector<std::string>{};
    NotExpanded skip{
        g, types.empty() ? "empty" : types.front(), Describe(gen), gen.origin.pos, "", false};
    if (std::string blocked = NeedsCluster(gen); !blocked.empty()) {
      skip.reason = blocked == skip.type ? fmt::format("{}", ClusterGenerators().at(blocked))
                                         : fmt::format("its {} generator: {}", blocked,
                                                       ClusterGenerators().at(blocked));
      result.not_expanded.push_back(std::move(skip));
      continue;
    }
    if (!tmpl || !tmpl->IsMap()) {
      skip.reason = "spec.template is missing";
      result.not_expanded.push_back(std::move(skip));
      continue;
    }
    Params params = Generate(gen, nullptr, 0);
    if (params.failure) {
      skip.reason = params.failure->message;
      if (!params.failure->unsupported && params.failure->needs_cluster.empty()) {
        skip.reason += " (ArgoCD fails on this generator too)";
        if (!fatal) fatal = fmt::format("generator {} fails: {}", g + 1, params.failure->message);
      }
      result.not_expanded.push_back(std::move(skip));
      continue;
    }
    // The generator's own template, filled from the ApplicationSet's (mergeGeneratorTemplate).
    TemplateValue merged = *tmpl;
    if (const TemplateValue* own = gen.Get(types.front())->Get("template"); own && own->IsMap()) {
      TemplateValue filled = *own;
      MergeParams(filled, *tmpl, false);
      merged = std::move(filled);
    }
    std::vector<GeneratedApplication> apps;
    std::vector<NotExpanded> dropped;
    std::optional<Failure> failed;
    for (const TemplateValue& p : params.sets) {
      TemplateValue app;
      if (std::optional<Failure> f = RenderApplication(merged, p, app)) {
        failed = f;
        break;
      }
      GeneratedApplication generated;
      generated.generator = g;
      const TemplateValue* meta = app.Get("metadata");
      const TemplateValue* name = meta ? meta->Get("name") : nullptr;
      generated.name = name && name->IsString() ? name->text : "";
      if (generated.name.empty()) {
        failed = Failure{"it generates an Application without a name", "", false};
        break;
      }
      if (!names.insert(generated.name).second) {
        // validateGeneratedApplications refuses the second of a name and keeps the first.
        NotExpanded d = skip;
        d.dropped_application = true;
        d.reason = fmt::format(
            "it generates a second Application named '{}', which ArgoCD refuses (the first is "
            "kept)",
            generated.name);
        dropped.push_back(std::move(d));
        continue;
      }
      Emit(app, generated);
      apps.push_back(std::move(generated));
    }
    if (failed) {
      for (const GeneratedApplication& a : apps) names.erase(a.name);
      skip.reason = failed->message;
      if (!failed->unsupported) {
        skip.reason += " (ArgoCD fails on this template too)";
        if (!fatal) fatal = fmt::format("generator {} fails: {}", g + 1, failed->message);
      }
      result.not_expanded.push_back(std::move(skip));
      continue;
    }
    for (NotExpanded& d : dropped) result.not_expanded.push_back(std::move(d));
    expanded.push_back(skip);
    for (GeneratedApplication& a : apps) result.applications.push_back(std::move(a));
  }
  if (fatal) {
    result.applications.clear();
    for (NotExpanded& skip : expanded) {
      skip.reason =
          fmt::format("ArgoCD creates no Application of this ApplicationSet while its {}", *fatal);
      result.not_expanded.push_back(std::move(skip));
    }
    std::sort(result.not_expanded.begin(), result.not_expanded.end(),
              [](const NotExpanded& a, const NotExpanded& b) { return a.generator < b.generator; });
  }
  return result;
}

}  // namespace

ApplicationSetExpansion ExpandApplicationSet(const Document& appset,
                                             const RepositoryLookup& repos) {
  return Expander(appset, repos).Run();
}

// ---- Mapping positions back

GeneratedOrigins::GeneratedOrigins(const Document& generated, const GeneratedApplication& app,
                                   ValueOrigin fallback)
    : fallback_(std::move(fallback)) {
  for (const auto& [pointer, origin] : app.origins) by_pointer_.emplace(pointer, origin.value);
  std::string pointer;
  WalkTree(generated.root(), pointer, [&](const Node& node, const std::string& at) {
    auto it = app.origins.find(at);
    if (it != app.origins.end() && it->second.value.known()) {
      at_[{node.pos.line, node.pos.column}] = it->second.value;
    }
    if (node.kind == NodeKind::kMapping) {
      for (const MapEntry& entry : node.entries) {
        auto key = app.origins.find(JoinPointer(at, entry.key->value));
        if (key != app.origins.end() && key->second.key.known()) {
          at_[{entry.key->pos.line, entry.key->pos.column}] = key->second.key;
        }
      }
    }
    return true;
  });
  const SourceFile& source = generated.source();
  for (const auto& [at, literal] : app.literals) {
    const Node* node = FindBelow(&generated.root(), at);
    if (!node || !node->IsScalar()) continue;
    Block block;
    block.first_line = node->pos.line + 1;
    std::string_view body = node->value;
    if (EndsWith(body, "\n")) body.remove_suffix(1);
    const int lines = static_cast<int>(std::count(body.begin(), body.end(), '\n')) + 1;
    block.last_line = block.first_line + lines - 1;
    for (int line = block.first_line; line <= block.last_line; ++line) {
      const std::string_view text = source.Line(line);
      const size_t indent = text.find_first_not_of(' ');
      if (indent != std::string_view::npos) {
        block.column = static_cast<int>(indent) + 1;
        break;
      }
    }
    block.origin = literal;
    block.pointer = at;
    blocks_.push_back(std::move(block));
  }
}

ValueOrigin GeneratedOrigins::Locate(Position pos, std::string_view pointer) const {
  if (auto it = at_.find({pos.line, pos.column}); it != at_.end()) return it->second;
  for (const Block& block : blocks_) {
    if (pos.line < block.first_line || pos.line > block.last_line) continue;
    ValueOrigin origin{{block.origin.first_line + (pos.line - block.first_line),
                        std::max(1, block.origin.column + (pos.column - block.column))},
                       block.pointer};
    if (auto it = by_pointer_.find(block.pointer); it != by_pointer_.end()) {
      origin.pointer = it->second.pointer;
    }
    return origin;
  }
  // The nearest pointer with an origin (a missing field reports on its parent); the root only
  // after the values written on the finding's line (a finding placed by line alone).
  std::string p(pointer);
  while (!p.empty()) {
    if (auto it = by_pointer_.find(p); it != by_pointer_.end() && it->second.known()) {
      return it->second;
    }
    const size_t slash = p.rfind('/');
    p.resize(slash == std::string::npos ? 0 : slash);
  }
  auto line = at_.lower_bound({pos.line, 0});
  if (line != at_.end() && line->first.first == pos.line) return line->second;
  return fallback_;
}

const ApplicationSetState::Generated* ApplicationSetState::Find(std::string_view file) const {
  auto it = generated.find(file);
  return it == generated.end() ? nullptr : &it->second;
}

}  // namespace syncgate::model
