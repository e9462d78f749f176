#include "run/run_cache.h"

#include <fmt/format.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>

#include "checker/finding_codec.h"
#include "checker/redaction.h"
#include "checker/text_util.h"
#include "model/render_model.h"
#include "render/helm_renderer.h"
#include "render/kustomize_renderer.h"
#include "validation/schema_store.h"

namespace syncgate {
namespace {
namespace fs = std::filesystem;

constexpr std::string_view kFormat = "run-2;";

std::string Normal(const std::string& path) {
  std::error_code ec;
  fs::path absolute = fs::absolute(path, ec);
  return (ec ? fs::path(path) : absolute).lexically_normal().generic_string();
}

/// "path size mtime" of a file, or "path -" when it is not there: the identity of a binary
/// the run executes (helm, kustomize).
std::string StatLine(const std::string& path) {
  struct stat st {};
  if (path.empty() || stat(path.c_str(), &st) != 0) return fmt::format("{} -\n", path);
  return fmt::format("{} {} {}.{}\n", path, st.st_size, st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
}

/// Names, sizes and times of every file of a schema folder: a schema fetched or edited since
/// changes the key (their contents are read only when a kind is validated).
void AddListing(std::string_view what, const std::string& folder, std::string& out) {
  std::vector<std::string> lines;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(folder, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    std::error_code entry_ec;
    if (!it->is_regular_file(entry_ec)) continue;
    lines.push_back(StatLine(it->path().string()));
  }
  std::sort(lines.begin(), lines.end());
  out += fmt::format("{} {} {}\n", what, folder, lines.size());
  for (const std::string& line : lines) out += line;
}

bool Inside(const std::string& path, const std::vector<std::string>& roots) {
  if (path.empty()) return true;
  const std::string normal = Normal(path);
  return std::any_of(roots.begin(), roots.end(), [&](const std::string& root) {
    return normal == root || StartsWith(normal, root.back() == '/' ? root : root + "/");
  });
}

/// Whether the run read nothing outside `roots` that could change without the key changing:
/// see the header.
bool StayedInside(const RunResult& result, const std::vector<std::string>& roots,
                  const RunSettings& settings) {
  if (!result.errors.empty() || !result.workspace) return false;
  for (const SkippedFile& skip : result.skipped) {
    // What another place may provide later (the network, another repository) is not a result
    // to keep. Offline, a dependency the network would have given is missing on every run until
    // the dependency cache gets it, and its listing is in the key.
    if (skip.kind == SkipKind::kNetworkForbidden && settings.offline) continue;
    if (skip.kind == SkipKind::kDependencyUnavailable || skip.kind == SkipKind::kNetworkForbidden ||
        skip.kind == SkipKind::kSourceNotRendered || skip.kind == SkipKind::kRenderInput) {
      return false;
    }
  }
  for (const auto& [url, location] : settings.repo_map) {
    if (IsUrl(location) || !Inside(location, roots)) return false;
  }
  if (!settings.schema_download.value_or("").empty()) {
    // A Kubernetes schema that was missing may be downloaded by the next run.
    if (std::any_of(result.findings.begin(), result.findings.end(),
                    [](const Finding& f) { return f.rule == "schema-missing"; })) {
      return false;
    }
  }
  const model::RenderState* state = result.workspace->FindExtension<model::RenderState>();
  if (!state) return true;
  if (!state->model.skipped_sources.empty()) return false;
  // A render stopped at a limit (or crashed) may finish next time.
  if (std::any_of(state->outcomes.begin(), state->outcomes.end(),
                  [](const model::RenderOutcome& o) { return o.stopped; })) {
    return false;
  }
  // A chart or dependency from the checked tree (a mirror folder in it included) is keyed by
  // the tree. The dependency cache is keyed only offline (online, this run may have fetched into
  // it, and a missing one may turn up from the network).
  auto in_tree = [&](const model::ResolvedDependency& dep) {
    switch (dep.source) {
      case model::DependencySource::kVendored:
        return true;
      case model::DependencySource::kFileRef:
      case model::DependencySource::kTree:
      case model::DependencySource::kMirror:
        return !dep.location.empty() && Inside(dep.location, roots);
      case model::DependencySource::kCache:
      case model::DependencySource::kMissing:
        return settings.offline;
    }
    return false;
  };
  for (const auto& chart : state->model.charts) {
    if (chart->remote && !in_tree(chart->remote_resolved)) return false;
    if (!std::all_of(chart->resolved.begin(), chart->resolved.end(), in_tree)) return false;
  }
  for (const model::RenderPlan& plan : state->model.plans) {
    const model::RenderRequest& request = plan.request;
    // A chart of the tree may be rendered from a private copy with its dependencies staged
    // (render/chart_dependencies.h): what it reads is the tree's chart and those dependencies,
    // judged above. A remote chart's folder is judged with the chart above.
    if (!plan.chart->remote && !Inside(plan.chart->fs_dir, roots)) return false;
    for (const std::string& file : request.value_files) {
      if (!Inside(file, roots)) return false;
    }
    if (!request.kustomize.remote.empty()) return false;
    for (const std::string& input : request.kustomize.inputs) {
      if (!Inside(input, roots)) return false;
    }
  }
  return true;
}

}  // namespace

WholeRunCache::WholeRunCache(const RunSettings& settings, std::string identity)
    : settings_(settings),
      identity_(std::move(identity)),
      store_(identity_.empty() ? "" : settings.result_cache_dir, ".run",
             settings.result_cache_max_bytes) {}

WholeRunCache::Inputs WholeRunCache::Read(const std::vector<std::string>& roots,
                                          const Discovery& inputs) const {
  Inputs read;
  if (identity_.empty() || !inputs.errors.empty()) return read;
  for (const InputFile& input : inputs.files) {
    // The git index, a revision, stdin: not files under the roots.
    if (input.content || input.fs_path.empty()) return read;
  }
  for (const std::string& location : settings_.schema_locations) {
    if (IsUrl(location)) return read;  // downloads: not a folder to list
  }
  for (const std::string& root : roots) {
    if (root == "-") return read;
    read.roots.push_back(Normal(root));
  }
  std::error_code ec;
  std::string key =
      fmt::format("{}\n{}\nshard {}/{}\ncwd {}\n", kFormat, identity_, settings_.shard_index,
                  settings_.shard_count, fs::current_path(ec).generic_string());
  // Every file under the roots, by path and content (sorted: a walk's order is the file
  // system's). Symbolic links to folders are not followed, as the discovery does not.
  std::vector<std::pair<std::string, std::string>> files;  // normal path, SHA-256
  std::map<std::string, std::string> texts;
  for (const std::string& root : read.roots) {
    std::vector<fs::path> paths;
    if (fs::is_directory(root, ec)) {
      const fs::path inside = fs::canonical(root, ec);
      for (auto it = fs::recursive_directory_iterator(root, ec);
           !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        std::error_code entry_ec;
        if (it->is_directory(entry_ec) && it->path().filename() == ".git") {
          it.disable_recursion_pending();
          continue;
        }
        // Never read through a link out of the tree (an excluded one included): keyed by name.
        if (std::optional<std::string> escape = LinkEscape(it->path(), inside)) {
          key += fmt::format("l {} {}\n", it->path().generic_string(), *escape);
          continue;
        }
        if (it->is_regular_file(entry_ec)) paths.push_back(it->path());
      }
      if (ec) return Inputs{};
    } else {
      paths.emplace_back(root);
    }
    for (const fs::path& path : paths) {
      std::optional<std::string> text = ReadFileBytes(path.string());
      if (!text) return Inputs{};  // unreadable: the run says so, and it is not kept
      const std::string normal = path.lexically_normal().generic_string();
      files.emplace_back(normal, Sha256Hex(*text));
      texts.emplace(normal, std::move(*text));
    }
  }
  std::sort(files.begin(), files.end());
  files.erase(std::unique(files.begin(), files.end()), files.end());
  for (const auto& [path, digest] : files) key += fmt::format("f {} {}\n", path, digest);
  // The inputs as discovered (display paths, kinds, charts), with their texts kept.
  for (const InputFile& input : inputs.files) {
    const std::string normal = Normal(input.fs_path);
    auto it = texts.find(normal);
    if (it == texts.end()) return Inputs{};  // an input outside the roots
    key += fmt::format("i {}\n{}\n{}\n{}\n", input.display_path, normal,
                       static_cast<int>(input.kind), input.chart_root);
    read.texts.emplace(normal, it->second);
  }
  for (const SkippedFile& skip : inputs.skipped) {
    key += fmt::format("s {}\n{}\n", skip.display_path, skip.reason);
  }
  // What renders and validates: the binaries, and the schema folders' listings.
  key += StatLine(render::FindHelm(settings_.helm_binary));
  key += StatLine(render::FindKustomize(settings_.kustomize_binary));
  for (const std::string& folder : settings_.schema_folders.value_or(std::vector<std::string>{}))
    AddListing("schemas", folder, key);
  for (const std::string& location : settings_.schema_locations) {
    AddListing("schemas", location.substr(0, location.find("{{")), key);
  }
  // The dependency cache: an offline run renders with what it holds and skips what it lacks,
  // so a chart fetched into it later (by an online run) changes the key.
  if (settings_.offline) AddListing("charts", settings_.chart_cache_dir, key);
  read.key = Sha256Hex(key);
  return read;
}

std::optional<RunResult> WholeRunCache::Get(const Inputs& read, const Discovery& inputs,
                                            std::vector<RuleMeta> rules) const {
  if (read.key.empty()) return std::nullopt;
  const std::optional<std::string> payload = store_.Get(read.key);
  if (!payload) return std::nullopt;
  CacheReader in(*payload);
  RunResult result;
  RunSummary& s = result.summary;
  std::string findings_bytes;
  long long count = 0;
  if (!in.Literal(kFormat) || !in.Text(findings_bytes)) return std::nullopt;
  std::optional<FileResult> findings = DecodeFileResult(findings_bytes);
  if (!findings || !in.Int(s.files) || !in.Int(s.documents) || !in.Int(s.rendered) ||
      !in.Int(s.suppressed) || !in.Int(s.by_severity[0]) || !in.Int(s.by_severity[1]) ||
      !in.Int(s.by_severity[2]) || !in.Number(count) || count < 0) {
    return std::nullopt;
  }
  for (long long i = 0; i < count; ++i) {
    std::string reason;
    int n = 0;
    if (!in.Text(reason) || !in.Int(n)) return std::nullopt;
    s.skipped_by_reason[reason] = n;
  }
  if (!in.Number(count) || count < 0) return std::nullopt;
  for (long long i = 0; i < count; ++i) {
    SkippedFile& skip = result.skipped.emplace_back();
    int is_error = 0;
    int kind = 0;
    if (!in.Text(skip.display_path) || !in.Text(skip.reason) || !in.Int(is_error) ||
        !in.Int(kind) || kind < 0 || kind > static_cast<int>(SkipKind::kRendererUnavailable)) {
      return std::nullopt;
    }
    skip.is_error = is_error != 0;
    skip.kind = static_cast<SkipKind>(kind);
  }
  // Sources the run made (renders, generated Applications), for excerpts and SARIF artifacts.
  if (!in.Number(count) || count < 0) return std::nullopt;
  for (long long i = 0; i < count; ++i) {
    std::string path;
    std::string text;
    long long size = 0;
    if (!in.Text(path) || !in.Number(size) || size < 0 || !in.Text(text)) return std::nullopt;
    result.sources.emplace(path,
                           SourceFile::FromText(path, std::move(text), static_cast<size_t>(size)));
  }
  // The inputs, as the reports and the exit code see them: kinds and texts, no documents.
  result.workspace = std::make_shared<Workspace>();
  for (const InputFile& input : inputs.files) {
    auto text = read.texts.find(Normal(input.fs_path));
    if (text == read.texts.end()) return std::nullopt;
    auto unit = std::make_unique<FileUnit>();
    unit->input = input;
    unit->source = SourceFile::FromText(input.display_path, text->second);
    result.sources.emplace(input.display_path, unit->source);
    result.workspace->files().push_back(std::move(unit));
  }
  std::vector<std::string> secrets;  // copies: the texts are checked whole before any is remembered
  if (!in.Number(count) || count < 0) return std::nullopt;
  for (long long i = 0; i < count; ++i) {
    std::string path;
    long long offset = 0;
    long long length = 0;
    if (!in.Text(path) || !in.Number(offset) || !in.Number(length)) return std::nullopt;
    const SourceFile* source = result.Source(path);
    if (!source || offset < 0 || length <= 0 ||
        static_cast<size_t>(offset + length) > source->text().size()) {
      return std::nullopt;  // the entry does not fit the files: a miss, never a wrong result
    }
    secrets.push_back(
        source->text().substr(static_cast<size_t>(offset), static_cast<size_t>(length)));
  }
  if (!in.done()) return std::nullopt;
  for (const std::string& secret : secrets) RememberSecret(secret);
  result.findings = std::move(findings->findings);
  s.counters = std::move(findings->counters);
  s.findings = static_cast<int>(result.findings.size());
  s.skipped = static_cast<int>(result.skipped.size());
  s.cached_files = s.files;
  result.rules = std::move(rules);
  return result;
}

void WholeRunCache::Put(const Inputs& read, const RunResult& result) const {
  if (read.key.empty() || !StayedInside(result, read.roots, settings_)) return;
  const RunSummary& s = result.summary;
  std::string out(kFormat);
  PutText(out, EncodeFileResult({result.findings, s.counters}));
  for (int n : {s.files, s.documents, s.rendered, s.suppressed, s.by_severity[0], s.by_severity[1],
                s.by_severity[2]}) {
    PutNumber(out, n);
  }
  PutNumber(out, static_cast<long long>(s.skipped_by_reason.size()));
  for (const auto& [reason, n] : s.skipped_by_reason) {
    PutText(out, reason);
    PutNumber(out, n);
  }
  PutNumber(out, static_cast<long long>(result.skipped.size()));
  for (const SkippedFile& skip : result.skipped) {
    PutText(out, skip.display_path);
    PutText(out, skip.reason);
    PutNumber(out, skip.is_error ? 1 : 0);
    PutNumber(out, static_cast<int>(skip.kind));
  }
  // The sources that are not inputs: read back from the entry, the inputs from disk.
  std::set<std::string_view> inputs;
  for (const auto& file : result.workspace->files()) {
    if (!file->input.fs_path.empty() && !file->input.content)
      inputs.insert(file->input.display_path);
  }
  std::vector<std::pair<std::string_view, const SourceFile*>> made;
  for (const auto& [path, source] : result.sources) {
    if (!inputs.count(path)) made.emplace_back(path, source.get());
  }
  // Renders hold what the values gave them, secrets included: stored scrubbed. The positions
  // of findings stay right (a secret's excerpt shows at most its first characters, which the
  // redacted form keeps).
  PutNumber(out, static_cast<long long>(made.size()));
  for (const auto& [path, source] : made) {
    PutText(out, path);
    PutNumber(out, static_cast<long long>(source->byte_size()));
    PutText(out, ScrubSecrets(source->text()));
  }
  // Where the inputs hold the secrets this run found (offsets, never the secrets): a run that
  // reads this entry back remembers them again from the files, and scrubs its output as this
  // one did.
  std::vector<std::pair<std::string_view, SecretSpan>> spans;
  for (const auto& file : result.workspace->files()) {
    if (!inputs.count(file->input.display_path) || !file->source) continue;
    for (const SecretSpan& span : SecretSpans(file->source->text())) {
      spans.emplace_back(file->input.display_path, span);
    }
  }
  PutNumber(out, static_cast<long long>(spans.size()));
  for (const auto& [path, span] : spans) {
    PutText(out, path);
    PutNumber(out, static_cast<long long>(span.offset));
    PutNumber(out, static_cast<long long>(span.length));
  }
  store_.Put(read.key, out);
  store_.Prune();
}

}  // namespace syncgate
