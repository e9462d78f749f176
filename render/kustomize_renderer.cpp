#include "render/kustomize_renderer.h"

#include <fmt/format.h>
#include <re2/re2.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>

#include "checker/finding.h"
#include "checker/parallel_for.h"
#include "checker/text_util.h"
#include "checker/workspace.h"
#include "model/kustomization.h"
#include "model/values_text.h"
#include "render/render_cache.h"
#include "render/subprocess.h"
#include "render/tool_locator.h"

namespace syncgate::render {
namespace fs = std::filesystem;
using model::ImageName;
using model::Kustomization;
using model::KustomizationFileIn;
using model::SplitImageName;

namespace {

constexpr std::string_view kOriginAnnotation = "config.kubernetes.io/origin";
/// Stands for the user's copy root in cached error messages (the private copy's folder differs
/// on every run).
constexpr std::string_view kRootToken = "\x01root\x01";

std::string ReadAll(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string Quote(std::string_view text) { return nlohmann::json(std::string(text)).dump(); }

std::string Text(const Node* node) {
  return node && node->IsScalar() ? std::string(node->Text()) : "";
}

/// `node` as one line of flow YAML (model::ValuesToYaml keeps what each plain scalar means).
std::string Flow(const Node& node) {
  std::string out = model::ValuesToYaml(node);
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

std::string Join(const std::vector<std::string>& items, std::string_view open,
                 std::string_view close) {
  std::string out(open);
  for (size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + items[i];
  return out + std::string(close);
}

/// `map` in flow style with the values of `set` (key → flow text) replacing or added.
std::string FlowMapWith(const Node* map,
                        const std::vector<std::pair<std::string, std::string>>& set) {
  std::vector<std::string> items;
  std::vector<bool> used(set.size(), false);
  if (map && map->IsMap()) {
    for (const MapEntry& e : map->Resolved().entries) {
      if (e.key->value == "<<") continue;
      auto it = std::find_if(set.begin(), set.end(),
                             [&](const auto& s) { return s.first == e.key->value; });
      if (it != set.end()) {
        used[static_cast<size_t>(it - set.begin())] = true;
        items.push_back(Quote(e.key->value) + ": " + it->second);
      } else {
        items.push_back(Quote(e.key->value) + ": " + Flow(*e.value));
      }
    }
  }
  for (size_t i = 0; i < set.size(); ++i) {
    if (!used[i]) items.push_back(Quote(set[i].first) + ": " + set[i].second);
  }
  return Join(items, "{", "}");
}

/// Every file below `path` (or `path` itself) with its content hash, for the cache key.
void HashInto(const fs::path& path, const fs::path& root, std::string& key) {
  std::error_code ec;
  if (!fs::is_directory(path, ec)) {
    key += fmt::format("{} {}\n", fs::path(path).lexically_relative(root).generic_string(),
                       Sha256Hex(ReadAll(path)));
    return;
  }
  std::vector<fs::path> files;
  const fs::path inside = fs::canonical(path, ec);
  for (auto it = fs::recursive_directory_iterator(path, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (it->path().filename() == ".git") {
      it.disable_recursion_pending();
      continue;
    }
    // A link leading out of the folder is keyed by what it names and never read (it may name
    // /etc/passwd); kustomize itself resolves links and refuses files outside its root.
    if (LinkEscape(it->path(), inside)) {
      key += fmt::format("{} -> {}\n", it->path().lexically_relative(root).generic_string(),
                         fs::read_symlink(it->path(), ec).generic_string());
      continue;
    }
    if (it->is_regular_file(ec)) files.push_back(it->path());
  }
  std::sort(files.begin(), files.end());
  for (const fs::path& file : files) {
    key += fmt::format("{} {}\n", file.lexically_relative(root).generic_string(),
                       Sha256Hex(ReadAll(file)));
  }
}

/// Copies `from` (a file or a folder, `.git` left out) to `to`, inside the private folder
/// `jail` (canonical).
Status CopyInput(const fs::path& from, const fs::path& to, const fs::path& jail) {
  std::error_code ec;
  fs::create_directories(to.parent_path(), ec);
  if (!fs::is_directory(from, ec)) {
    fs::copy_file(from, to, fs::copy_options::overwrite_existing, ec);
    if (ec) return Unexpected(fmt::format("cannot copy {}: {}", from.string(), ec.message()));
    return Ok{};
  }
  fs::create_directories(to, ec);
  for (auto it = fs::recursive_directory_iterator(from, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    const fs::path target = to / it->path().lexically_relative(from);
    std::error_code entry_ec;
    if (it->path().filename() == ".git") {
      it.disable_recursion_pending();
    } else if (it->is_symlink(entry_ec)) {
      // Kept as a link: kustomize resolves it and refuses what leaves the build's root. One
      // that leads out of the private folder (/etc/passwd) is dropped: a chart inflated by
      // kustomize's helmCharts is read by helm, which follows links.
      fs::copy_symlink(it->path(), target, entry_ec);
      if (LinkEscape(target, jail)) fs::remove(target, entry_ec);
    } else if (it->is_directory(entry_ec)) {
      fs::create_directories(target, entry_ec);
    } else if (it->is_regular_file(entry_ec)) {
      fs::copy_file(it->path(), target, fs::copy_options::overwrite_existing, entry_ec);
      if (entry_ec) {
        return Unexpected(
            fmt::format("cannot copy {}: {}", it->path().string(), entry_ec.message()));
      }
    }
  }
  if (ec) return Unexpected(fmt::format("cannot read {}: {}", from.string(), ec.message()));
  return Ok{};
}

/// A private folder for one build, removed when it goes away.
class PrivateCopy {
 public:
  PrivateCopy() {
    std::string tmpl = (fs::temp_directory_path() / "syncgate-kustomize-XXXXXX").string();
    if (mkdtemp(tmpl.data())) path_ = tmpl;
  }
  ~PrivateCopy() {
    std::error_code ec;
    if (!path_.empty()) fs::remove_all(path_, ec);
  }
  PrivateCopy(const PrivateCopy&) = delete;
  PrivateCopy& operator=(const PrivateCopy&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

void ReplaceAll(std::string& text, std::string_view from, std::string_view to) {
  if (from.empty()) return;
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
}

/// A build's message with the user's paths: the copy root's placeholder filled in, and paths
/// below the working directory shown relative to it.
std::string ShownPaths(std::string message, const std::string& copy_root) {
  ReplaceAll(message, kRootToken, copy_root);
  std::error_code ec;
  const std::string cwd = fs::current_path(ec).string();
  if (!ec && cwd != "/") ReplaceAll(message, cwd + "/", "");
  return message;
}

/// kustomize's message as the user reads it: without the deprecation warnings printed before
/// it, without klog's wrapping (some kubectl builds log `E1206 20:02:27.2 5004 run.go:72]
/// "command failed" err="..."`, or `err=<` and tab-indented lines up to ` >`, rather than
/// printing `error: ...`) and without the "error: " prefix.
std::string Cleaned(std::string_view raw) {
  std::string message;
  for (std::string_view line : Split(raw, '\n')) {
    if (StartsWith(line, "# Warning: ")) continue;
    message += std::string(line) + "\n";
  }
  message = std::string(Trim(message));
  static const RE2 kQuoted(
      R"re((?s)[EWIF]\d{4} [\d:.]+\s+\d+ [^\]]+\] "command failed" err="(.*)")re");
  static const RE2 kBlock(
      R"re((?s)[EWIF]\d{4} [\d:.]+\s+\d+ [^\]]+\] "command failed" err=<\n(.*)\n\s*>)re");
  std::string inner;
  if (RE2::FullMatch(message, kQuoted, &inner)) {
    std::string out;
    for (size_t i = 0; i < inner.size(); ++i) {
      if (inner[i] == '\\' && i + 1 < inner.size()) {
        const char next = inner[++i];
        out += next == 'n' ? '\n' : next == 't' ? '\t' : next;
      } else {
        out += inner[i];
      }
    }
    message = std::move(out);
  } else if (RE2::FullMatch(message, kBlock, &inner)) {
    message.clear();
    for (std::string_view line : Split(inner, '\n')) {
      if (StartsWith(line, "\t")) line.remove_prefix(1);
      message += std::string(line) + "\n";
    }
    message = std::string(Trim(message));
  }
  for (std::string_view prefix : {"Error: ", "error: "}) {
    if (StartsWith(message, prefix)) message = message.substr(prefix.size());
  }
  return message;
}

class KustomizeRenderer final : public Renderer {
 public:
  explicit KustomizeRenderer(KustomizeRendererOptions options)
      : options_(std::move(options)),
        cache_(options_.cache_dir, ".kustomize", options_.cache_max_bytes) {
    const std::string name = fs::path(options_.binary).filename().string();
    build_command_ = StartsWith(name, "kustomize");
  }

  std::string Describe() const override {
    return version_.empty() ? fmt::format("kustomize ({})", options_.binary) : version_;
  }

  Status Available() override {
    if (checked_) return available_;
    checked_ = true;
    if (options_.binary.empty()) {
      available_ = Unexpected(fmt::format(
          "kustomize not found (looked in $SYNCGATE_KUSTOMIZE, for kustomize and kubectl on PATH "
          "and in {}): install kubectl or kustomize (tools/install-helm.sh puts kubectl v1.32.3 in "
          ".tools/bin) or pass --kustomize PATH",
          fmt::join(InstalledToolDirs(), ", ")));
      return available_;
    }
    std::vector<std::string> argv = {options_.binary, "version"};
    if (!build_command_) argv.push_back("--client");
    ProcessResult r = RunProcess(argv, "", 30);
    if (!r.started || r.exit_code != 0) {
      available_ = Unexpected(
          fmt::format("{} does not run: {}", options_.binary,
                      !r.started ? r.error : std::string(Trim(r.err.empty() ? r.out : r.err))));
      return available_;
    }
    // "Client Version: v1.32.3\nKustomize Version: v5.5.0", or kustomize's "v5.5.0".
    std::string client, kustomize;
    for (std::string_view line : Split(r.out, '\n')) {
      line = Trim(line);
      if (StartsWith(line, "Client Version: ")) client = std::string(line.substr(16));
      if (StartsWith(line, "Kustomize Version: ")) kustomize = std::string(line.substr(19));
    }
    version_ = build_command_      ? fmt::format("kustomize {}", Trim(r.out))
               : kustomize.empty() ? fmt::format("kubectl {}", client)
                                   : fmt::format("kubectl {} (kustomize {})", client, kustomize);
    struct stat st {};
    identity_ = version_;
    if (stat(options_.binary.c_str(), &st) == 0) {
      identity_ += fmt::format("|{}|{}|{}", options_.binary, st.st_size, st.st_mtime);
    }
    available_ = Ok{};
    return available_;
  }

  std::vector<RenderResult> RenderAll(const std::vector<RenderRequest>& requests,
                                      int jobs) override {
    std::vector<RenderResult> results(requests.size());
    if (Status ok = Available(); !ok) {
      for (RenderResult& r : results) r.error = ok.error().message;
      return results;
    }
    ParallelFor(requests.size(), jobs, [&](size_t i) { results[i] = RenderOne(requests[i]); });
    return results;
  }

 private:
  std::string CacheKey(const RenderRequest& req, const std::string& kustomization) {
    const auto& k = req.kustomize;
    const fs::path dir = fs::absolute(req.chart_dir).lexically_normal();
    std::string key = fmt::format("syncgate-kustomize-2\n{}\n{}\n", identity_,
                                  dir.lexically_relative(k.copy_root).generic_string());
    if (!k.helm_binary.empty()) {
      struct stat st {};
      key += fmt::format("helm {}", k.helm_binary);
      if (stat(k.helm_binary.c_str(), &st) == 0)
        key += fmt::format("|{}|{}", st.st_size, st.st_mtime);
      key += '\n';
    }
    key += fmt::format("edited {}\n", Sha256Hex(kustomization));
    for (const std::string& input : k.inputs) key += InputHash(input, k.copy_root);
    return Sha256Hex(key);
  }

  std::string InputHash(const std::string& input, const std::string& copy_root) {
    const std::string memo = copy_root + '\0' + input;
    {
      std::lock_guard lock(mutex_);
      if (auto it = input_hashes_.find(memo); it != input_hashes_.end()) return it->second;
    }
    std::string lines;
    HashInto(input, copy_root, lines);
    std::lock_guard lock(mutex_);
    input_hashes_.emplace(memo, lines);
    return lines;
  }

  RenderResult RenderOne(const RenderRequest& req) {
    const auto& k = req.kustomize;
    RenderResult r;
    const std::string file = KustomizationFileIn(req.chart_dir);
    if (file.empty()) {
      r.status = RenderStatus::kFailed;
      r.error = fmt::format("{} has no kustomization.yaml, kustomization.yml or Kustomization",
                            req.chart_dir);
      return r;
    }
    bool user_origins = false;
    Expected<std::string> edited = EditKustomization(ReadAll(file), k, req.chart_dir, user_origins);
    if (!edited) {
      r.status = RenderStatus::kFailed;
      r.error = edited.error().message;
      return r;
    }
    const std::string key = CacheKey(req, *edited);
    std::optional<RenderResult> hit = cache_.Get(key);
    if (hit) {
      r = std::move(*hit);
    } else {
      r = Build(req, file, *edited);
      cache_.Put(key, r);
    }
    if (r.status == RenderStatus::kFailed) r.error = ShownPaths(Cleaned(r.error), k.copy_root);
    if (r.status == RenderStatus::kOk)
      r.manifest = StripOrigins(r.manifest, user_origins, r.origins);
    return r;
  }

  /// Copies the inputs, writes the edited kustomization and runs the build.
  RenderResult Build(const RenderRequest& req, const std::string& file,
                     const std::string& edited) const {
    const auto& k = req.kustomize;
    RenderResult r;
    PrivateCopy copy;
    if (copy.path().empty()) {
      r.error = "cannot create a private folder for the Kustomize build";
      return r;
    }
    // The copy keeps the inputs' absolute paths below its folder, so that a path the build
    // resolves outside the copy root still reads as the user's path in its message.
    std::error_code ec;
    const fs::path jail = fs::canonical(copy.path(), ec);
    for (const std::string& input : k.inputs) {
      if (Status ok = CopyInput(input, copy.path() + input, jail); !ok) {
        r.error = ok.error().message;
        return r;
      }
    }
    const fs::path dir =
        fs::path(copy.path() + fs::absolute(req.chart_dir).lexically_normal().string())
            .lexically_normal();
    {
      std::error_code ec;
      fs::create_directories(dir, ec);
      std::ofstream out(dir / fs::path(file).filename(), std::ios::binary | std::ios::trunc);
      out << edited;
      if (!out.flush()) {
        r.error =
            fmt::format("cannot write the kustomization of the private copy in {}", dir.string());
        return r;
      }
    }
    std::vector<std::string> argv = {options_.binary, build_command_ ? "build" : "kustomize",
                                     dir.string()};
    if (!k.helm_binary.empty())
      argv.insert(argv.end(), {"--enable-helm", "--helm-command", k.helm_binary});
    ProcessResult p = RunProcess(argv, "", options_.limits);
    if (!p.started) {
      r.error = p.error;
    } else if (std::string stopped = StoppedReason(p, Describe(), options_.limits);
               !stopped.empty()) {
      // Fails the folder (kustomize-build-failed) like a refused build; never cached.
      r.status = RenderStatus::kFailed;
      r.error = std::move(stopped);
      r.stopped = true;
    } else if (p.exit_code != 0) {
      r.status = RenderStatus::kFailed;
      // kustomize's own words, cleaned when read (also from the cache); the private copy's
      // paths are the user's (the copy root as a placeholder: the cache outlives the tree).
      std::string message = p.err.empty() ? p.out : p.err;
      ReplaceAll(message, copy.path() + k.copy_root, kRootToken);
      ReplaceAll(message, copy.path(), "");
      r.error = Trim(message).empty() ? fmt::format("the build exited with code {}", p.exit_code)
                                      : message;
    } else {
      r.status = RenderStatus::kOk;
      r.manifest = std::move(p.out);
    }
    return r;
  }

  KustomizeRendererOptions options_;
  RenderCache cache_;
  bool build_command_ = false;  // `kustomize build DIR` rather than `kubectl kustomize DIR`
  bool checked_ = false;
  Status available_ = Ok{};
  std::string version_;
  std::string identity_;
  /// What each input hashes to, by copy root and input: bases are shared by many builds.
  std::mutex mutex_;
  std::map<std::string, std::string> input_hashes_;
};

// ---- kustomize edit, as ArgoCD runs it before the build.

struct ImageArg {
  std::string name, new_name, new_tag, digest;
};

/// `kustomize edit set image` argument: "name=newName:tag", "name:tag", "name@digest".
Expected<ImageArg> ParseImageArg(const std::string& arg) {
  const size_t eq = arg.find('=');
  const std::string value = eq == std::string::npos ? arg : arg.substr(eq + 1);
  const ImageName split = SplitImageName(value);
  if (split.name == arg) {
    return Unexpected(fmt::format(
        "kustomize edit set image {}: invalid format of image, use one of name=newName:tag, "
        "name:tag or name@digest",
        arg));
  }
  ImageArg image{split.name, "", split.tag, split.digest};
  if (eq != std::string::npos) {
    image.name = arg.substr(0, eq);
    image.new_name = split.name;
  }
  return image;
}

std::string ImageFlow(const ImageArg& image) {
  std::vector<std::string> fields = {"\"name\": " + Quote(image.name)};
  if (!image.new_name.empty()) fields.push_back("\"newName\": " + Quote(image.new_name));
  if (!image.new_tag.empty()) fields.push_back("\"newTag\": " + Quote(image.new_tag));
  if (!image.digest.empty()) fields.push_back("\"digest\": " + Quote(image.digest));
  return Join(fields, "{", "}");
}

/// `kustomize edit add label|annotation` into a map: refused for a key already set unless forced.
Expected<std::string> AddToMap(const Node* existing,
                               const std::vector<std::pair<std::string, std::string>>& add,
                               bool force, std::string_view what) {
  std::vector<std::pair<std::string, std::string>> set;
  for (const auto& [key, value] : add) {
    if (!force && existing && existing->IsMap() && existing->Get(key)) {
      return Unexpected(fmt::format("kustomize edit add {} {}: {} {} already in kustomization file",
                                    what, key, what, key));
    }
    set.emplace_back(key, Quote(value));
  }
  return FlowMapWith(existing, set);
}

}  // namespace

std::string FindKustomize(const std::string& explicit_binary) {
  // kubectl has Kustomize built in (`kubectl kustomize`); a standalone kustomize is preferred.
  return FindTool({.explicit_path = explicit_binary,
                   .env_var = "SYNCGATE_KUSTOMIZE",
                   .names = {"kustomize", "kubectl"}});
}

std::unique_ptr<Renderer> MakeKustomizeRenderer(KustomizeRendererOptions options) {
  return std::make_unique<KustomizeRenderer>(std::move(options));
}

Expected<std::string> EditKustomization(const std::string& text,
                                        const model::RenderRequest::Kustomize& request,
                                        const std::string& dir, bool& user_origins) {
  user_origins = false;
  const auto source = SourceFile::FromText("kustomization.yaml", text);
  const LoadResult loaded = LoadYaml(source);
  const Document* doc = loaded.documents.empty() ? nullptr : loaded.documents.front().get();
  // What kustomize cannot read it reports itself: build it as it is.
  if (loaded.error || (doc && !doc->root().IsMap() && !doc->root().IsNull())) return text;
  const Node* root = doc && doc->root().IsMap() ? &doc->root().Resolved() : nullptr;
  auto get = [&](std::string_view key) { return root ? root->Get(key) : nullptr; };
  auto items = [&](std::string_view key) {
    const Node* list = get(key);
    return list && list->IsSeq() ? list->Resolved().items : std::vector<const Node*>{};
  };
  std::vector<std::pair<std::string, std::string>> set;  // key → new flow value, in edit order
  auto put = [&](const std::string& key, std::string value) {
    for (auto& [k, v] : set) {
      if (k == key) {
        v = std::move(value);
        return;
      }
    }
    set.emplace_back(key, std::move(value));
  };

  // ArgoCD's order: prefix, suffix, images, replicas, labels, annotations, namespace, patches,
  // components.
  if (!request.name_prefix.empty()) put("namePrefix", Quote(request.name_prefix));
  if (!request.name_suffix.empty()) put("nameSuffix", Quote(request.name_suffix));
  if (!request.images.empty()) {
    std::vector<ImageArg> args;
    for (const std::string& arg : request.images) {
      Expected<ImageArg> image = ParseImageArg(arg);
      if (!image) return Unexpected(image.error());
      auto same = std::find_if(args.begin(), args.end(),
                               [&](const ImageArg& a) { return a.name == image->name; });
      if (same != args.end()) {
        *same = *image;
      } else {
        args.push_back(*image);
      }
    }
    // An argument replaces the entry of its name (`*` keeps that entry's field); the rest stay.
    std::vector<std::pair<std::string, std::string>> merged;  // name, flow
    for (const Node* entry : items("images")) {
      const std::string name = Text(entry->IsMap() ? entry->Get("name") : nullptr);
      auto arg =
          std::find_if(args.begin(), args.end(), [&](const ImageArg& a) { return a.name == name; });
      if (arg == args.end()) {
        merged.emplace_back(name, Flow(*entry));
        continue;
      }
      if (arg->new_name == "*") arg->new_name = Text(entry->Get("newName"));
      if (arg->new_tag == "*") arg->new_tag = Text(entry->Get("newTag"));
      if (arg->digest == "*") arg->digest = Text(entry->Get("digest"));
      merged.emplace_back(name, ImageFlow(*arg));
      args.erase(arg);
    }
    for (ImageArg& arg : args) {
      for (std::string* field : {&arg.new_name, &arg.new_tag, &arg.digest}) {
        if (*field == "*") field->clear();
      }
      merged.emplace_back(arg.name, ImageFlow(arg));
    }
    std::stable_sort(merged.begin(), merged.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<std::string> flows;
    flows.reserve(merged.size());
    for (auto& entry : merged) flows.push_back(std::move(entry.second));
    put("images", Join(flows, "[", "]"));
  }
  if (!request.replicas.empty()) {
    std::vector<std::pair<std::string, std::string>> merged;  // name, flow
    for (const Node* entry : items("replicas"))
      merged.emplace_back(Text(entry->IsMap() ? entry->Get("name") : nullptr), Flow(*entry));
    for (const auto& replica : request.replicas) {
      const std::string& name = replica.first;
      const std::string& count = replica.second;
      const std::string_view digits = Trim(count);
      if (digits.empty() || !std::all_of(digits.begin(), digits.end(), [](char c) {
            return std::isdigit(static_cast<unsigned char>(c));
          })) {
        return Unexpected(fmt::format(
            "kustomize replicas of {}: expected an integer count, not '{}'", name, count));
      }
      const std::string flow =
          fmt::format("{{\"name\": {}, \"count\": {}}}", Quote(name), std::string(digits));
      auto same = std::find_if(merged.begin(), merged.end(),
                               [&](const auto& m) { return m.first == name; });
      if (same != merged.end()) {
        same->second = flow;
      } else {
        merged.emplace_back(name, flow);
      }
    }
    std::vector<std::string> flows;
    flows.reserve(merged.size());
    for (auto& entry : merged) flows.push_back(std::move(entry.second));
    put("replicas", Join(flows, "[", "]"));
  }
  if (!request.labels.empty()) {
    if (request.label_without_selector) {
      // `--without-selector`: entries of `labels` that leave selectors alone.
      std::vector<std::string> flows;
      std::vector<std::pair<std::string, std::string>> added;
      std::vector<std::vector<std::pair<std::string, std::string>>> replaced;
      const std::vector<const Node*> existing = items("labels");
      replaced.resize(existing.size());
      for (const auto& [key, value] : request.labels) {
        bool present = false;
        for (size_t i = 0; i < existing.size(); ++i) {
          const Node* pairs = existing[i]->IsMap() ? existing[i]->Get("pairs") : nullptr;
          if (!pairs || !pairs->IsMap() || !pairs->Get(key)) continue;
          if (!request.force_labels) {
            return Unexpected(fmt::format(
                "kustomize edit add label {}: label {} already in kustomization file", key, key));
          }
          present = true;
          replaced[i].emplace_back(key, Quote(value));
        }
        if (!present) added.emplace_back(key, value);
      }
      for (size_t i = 0; i < existing.size(); ++i) {
        if (replaced[i].empty()) {
          flows.push_back(Flow(*existing[i]));
        } else {
          flows.push_back(FlowMapWith(
              existing[i], {{"pairs", FlowMapWith(existing[i]->Get("pairs"), replaced[i])}}));
        }
      }
      for (const auto& [key, value] : added) {
        flows.push_back(fmt::format(
            "{{\"pairs\": {{{}: {}}}, \"includeSelectors\": false{}}}", Quote(key), Quote(value),
            request.label_include_templates ? ", \"includeTemplates\": true" : ""));
      }
      put("labels", Join(flows, "[", "]"));
    } else {
      Expected<std::string> labels =
          AddToMap(get("commonLabels"), request.labels, request.force_labels, "label");
      if (!labels) return Unexpected(labels.error());
      put("commonLabels", *labels);
    }
  }
  if (!request.annotations.empty()) {
    Expected<std::string> annotations = AddToMap(get("commonAnnotations"), request.annotations,
                                                 request.force_annotations, "annotation");
    if (!annotations) return Unexpected(annotations.error());
    put("commonAnnotations", *annotations);
  }
  if (!request.namespace_name.empty()) put("namespace", Quote(request.namespace_name));
  if (!request.patches.empty()) {
    std::vector<std::string> flows;
    for (const Node* entry : items("patches")) flows.push_back(Flow(*entry));
    for (const std::string& patch : request.patches) flows.emplace_back(Trim(patch));
    put("patches", Join(flows, "[", "]"));
  }
  if (!request.components.empty()) {
    std::vector<std::string> flows;
    std::vector<std::string> present;
    for (const Node* entry : items("components")) {
      flows.push_back(Flow(*entry));
      present.push_back(Text(entry));
    }
    for (const std::string& component : request.components) {
      std::error_code ec;
      if (!fs::exists(fs::path(dir) / component, ec)) {
        if (request.ignore_missing_components) continue;
        return Unexpected(fmt::format("kustomize edit add component {}: {} does not exist",
                                      component, (fs::path(dir) / component).string()));
      }
      if (std::find(present.begin(), present.end(), component) != present.end()) continue;
      present.push_back(component);
      flows.push_back(Quote(component));
    }
    put("components", Join(flows, "[", "]"));
  }
  // Every object says which file declared it, so findings can be traced to it.
  {
    std::vector<std::string> flows;
    for (const Node* entry : items("buildMetadata")) {
      flows.push_back(Flow(*entry));
      user_origins |= Text(entry) == "originAnnotations";
    }
    if (!user_origins) {
      flows.push_back(Quote("originAnnotations"));
      put("buildMetadata", Join(flows, "[", "]"));
    }
  }
  if (set.empty()) return text;

  // A block mapping (the usual kustomization): drop the edited keys' lines, append the new
  // values. A flow mapping: written again whole.
  const bool flow = root && [&] {
    const std::string_view line = source->Line(root->pos.line);
    const size_t at = static_cast<size_t>(std::max(root->pos.column, 1) - 1);
    return at < line.size() && line[at] == '{';
  }();
  if (flow) {
    return FlowMapWith(root, set) + "\n";
  }
  std::vector<bool> drop(static_cast<size_t>(source->line_count()) + 2, false);
  if (root) {
    const auto& entries = root->entries;
    for (size_t i = 0; i < entries.size(); ++i) {
      const std::string& key = entries[i].key->value;
      if (std::none_of(set.begin(), set.end(), [&](const auto& s) { return s.first == key; }))
        continue;
      const int first = entries[i].key->pos.line;
      int last = source->line_count();
      if (i + 1 < entries.size()) {
        last = entries[i + 1].key->pos.line - 1;
      } else {
        for (int line = first + 1; line <= source->line_count(); ++line) {
          const std::string_view t = source->Line(line);
          if (StartsWith(t, "---") || StartsWith(t, "...")) {
            last = line - 1;
            break;
          }
        }
      }
      for (int line = first; line <= last; ++line) drop[static_cast<size_t>(line)] = true;
    }
  }
  std::string out;
  bool ended = false;  // a document end marker: the appended keys go before it
  for (int line = 1; line <= source->line_count(); ++line) {
    const std::string_view t = source->Line(line);
    if (!ended && line > 1 && (StartsWith(t, "---") || StartsWith(t, "..."))) {
      for (const auto& [key, value] : set) out += Quote(key) + ": " + value + "\n";
      ended = true;
    }
    if (!drop[static_cast<size_t>(line)]) {
      out += t;
      out += '\n';
    }
  }
  if (!ended) {
    for (const auto& [key, value] : set) out += Quote(key) + ": " + value + "\n";
  }
  return out;
}

std::string StripOrigins(const std::string& manifest, bool keep,
                         std::vector<model::RenderOutcome::Origin>& origins) {
  origins.clear();
  const auto source = SourceFile::FromText("build", manifest);
  const LoadResult loaded = LoadYaml(source);
  std::vector<bool> drop(static_cast<size_t>(source->line_count()) + 2, false);
  bool dropped = false;
  for (const auto& doc : loaded.documents) {
    model::RenderOutcome::Origin origin;
    const Node& root = doc->root();
    const Node* metadata = root.IsMap() ? root.Get("metadata") : nullptr;
    const Node* annotations =
        metadata && metadata->IsMap() ? metadata->Get("annotations") : nullptr;
    const Node* value =
        annotations && annotations->IsMap() ? annotations->Get(kOriginAnnotation) : nullptr;
    if (value && value->IsScalar()) {
      const LoadResult parsed = LoadYaml(SourceFile::FromText("origin", value->Resolved().value));
      const Node* o = parsed.documents.empty() || !parsed.documents.front()->root().IsMap()
                          ? nullptr
                          : &parsed.documents.front()->root();
      if (o && Text(o->Get("repo")).empty()) {
        origin.file = Text(o->Get("path"));
        if (origin.file.empty()) {
          origin.file = Text(o->Get("configuredIn"));
          origin.generator = Text(o->Path({"configuredBy", "kind"}));
        }
      }
      if (!keep) {
        // The key, and the lines of its block value (indented deeper than the key).
        const Node* key = annotations->Resolved().KeyNode(kOriginAnnotation);
        const int first = key ? key->pos.line : value->pos.line;
        const int indent = key ? key->pos.column - 1 : 0;
        int last = first;
        while (last + 1 <= source->line_count()) {
          const std::string_view next = source->Line(last + 1);
          const size_t lead = next.find_first_not_of(' ');
          if (lead == std::string_view::npos || static_cast<int>(lead) <= indent) break;
          ++last;
        }
        for (int line = first; line <= last; ++line) drop[static_cast<size_t>(line)] = true;
        if (annotations->Resolved().entries.size() == 1) {
          if (const Node* annotations_key = metadata->Resolved().KeyNode("annotations"))
            drop[static_cast<size_t>(annotations_key->pos.line)] = true;
        }
        dropped = true;
      }
    }
    origins.push_back(std::move(origin));
  }
  if (!dropped) return manifest;
  std::string out;
  for (int line = 1; line <= source->line_count(); ++line) {
    if (drop[static_cast<size_t>(line)]) continue;
    out += source->Line(line);
    out += '\n';
  }
  return out;
}

}  // namespace syncgate::render
