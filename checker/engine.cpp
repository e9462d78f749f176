#include "checker/engine.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include "checker/environment.h"
#include "checker/finding_codec.h"
#include "checker/parallel_for.h"
#include "checker/redaction.h"
#include "checker/shard_scope.h"
#include "checker/suppression.h"
#include "checker/text_util.h"

namespace syncgate {
namespace fs = std::filesystem;

const SourceFile* RunResult::Source(std::string_view path) const {
  auto it = sources.find(path);
  return it == sources.end() ? nullptr : it->second.get();
}

const std::vector<RuleMeta>& EngineRuleMetas() {
  static const std::vector<RuleMeta> kMetas = {
      {kInternalError, "A check crashed or could not run",
       "A rule that fails is not a rule that passed: the run cannot vouch for what it did not "
       "check, so the result is an error and the exit code is 2.",
       "Report the message to the syncgate maintainers; meanwhile fix the input it names or "
       "disable the rule in .syncgate.yaml with a reason.",
       Severity::kError, DocKind::kNone, RuleScope::kWorkspace},  // a crash can be anywhere
      {kSuppressionInvalid, "A suppression without a reason or naming an unknown rule",
       "Every suppression must say why, so that a reviewer can judge it later; a suppression "
       "of a rule id that does not exist suppresses nothing.",
       "Write `# syncgate:ignore <rule-id> -- <reason>` (or the `syncgate.io/ignore` "
       "annotation with the same form) with a real rule id.",
       Severity::kError, DocKind::kNone, RuleScope::kFile},  // the comment or annotation alone
      {kSuppressionUnused, "A suppression that matches no finding",
       "Stale suppressions hide future problems at a line that no longer has the old one.",
       "Remove the suppression.", Severity::kWarning, DocKind::kNone,
       RuleScope::kWorkspace},  // whether anything matched depends on every rule's findings
  };
  return kMetas;
}

namespace {

/// Reads a file, refusing it when it is larger than the configured limit.
Expected<std::string> ReadInput(const InputFile& input, size_t max_size) {
  if (input.content) {
    if (input.content->size() > max_size) {
      return Unexpected(fmt::format("{}: {} bytes is over the {} byte limit; not checked",
                                    input.display_path, input.content->size(), max_size));
    }
    return *input.content;
  }
  if (input.fs_path.empty()) return input.stdin_text;
  std::error_code ec;
  const auto size = fs::file_size(input.fs_path, ec);
  if (ec) return Unexpected(fmt::format("{}: cannot read: {}", input.display_path, ec.message()));
  if (size > max_size) {
    return Unexpected(fmt::format(
        "{}: {} bytes is over the {} byte limit; not checked (exclude it in .syncgate.yaml or "
        "raise max_file_size)",
        input.display_path, size, max_size));
  }
  std::ifstream in(input.fs_path, std::ios::binary);
  if (!in) {
    return Unexpected(
        fmt::format("{}: cannot read: permission denied or unreadable", input.display_path));
  }
  std::string text(size, '\0');
  in.read(text.data(), static_cast<std::streamsize>(size));
  if (static_cast<size_t>(in.gcount()) != size) {
    return Unexpected(fmt::format("{}: cannot read: short read", input.display_path));
  }
  return text;
}

bool LooksBinary(const std::string& text) {
  return std::memchr(text.data(), '\0', std::min<size_t>(text.size(), 8192)) != nullptr;
}

}  // namespace

/// Counters rules add to during a run (RuleContext::Count), shared by every thread.
struct RunCounters {
  std::mutex mutex;
  std::map<std::string, int, std::less<>> values;
};

namespace {
void AddCounters(RunCounters& counters, const std::map<std::string, int, std::less<>>& values) {
  if (values.empty()) return;
  std::lock_guard<std::mutex> lock(counters.mutex);
  for (const auto& [name, value] : values) counters.values[name] += value;
}
}  // namespace

/// The context one rule reports through, for one file (and optionally one document).
class FindingCollector final : public RuleContext {
 public:
  FindingCollector(const RuleMeta& meta, Severity severity, std::vector<Finding>& out,
                   const Environment& environment)
      : meta_(meta), severity_(severity), out_(out), environment_(environment) {}

  void SetSubject(const FileUnit* file, const Document* doc) {
    file_ = file;
    doc_ = doc;
  }

  void Report(std::string_view pointer, std::string message, const ReportExtra& extra) override {
    if (doc_) {
      ReportIn(*doc_, pointer, std::move(message), extra);
      return;
    }
    Finding f = Base(std::move(message), extra);
    f.file = !extra.file.empty() ? std::string(extra.file) : file_ ? file_->input.display_path : "";
    f.pointer = std::string(pointer);
    const Position pos = extra.at.line > 0 ? extra.at : Position{1, 1};
    f.line = pos.line;
    f.column = pos.column;
    out_.push_back(std::move(f));
  }

  void ReportIn(const Document& doc, std::string_view pointer, std::string message,
                const ReportExtra& extra) override {
    Finding f = Base(std::move(message), extra);
    f.file = doc.source().path();
    f.pointer = doc.OuterPointer(pointer);
    f.document = doc.index();
    f.object = doc.Outermost().object();
    const Position pos = extra.at.line > 0              ? extra.at
                         : extra.anchor == Anchor::kKey ? KeyPositionOf(doc, pointer)
                                                        : doc.PositionOf(pointer);
    f.line = std::max(pos.line, 1);
    f.column = std::max(pos.column, 1);
    out_.push_back(std::move(f));
  }

  void SetRun(const Workspace* workspace, RunCounters* counters) {
    workspace_ = workspace;
    counters_ = counters;
  }
  const Workspace* workspace() const override { return workspace_; }
  void Count(std::string_view counter, int n) override {
    if (!counters_) return;
    std::lock_guard<std::mutex> lock(counters_->mutex);
    auto it = counters_->values.find(counter);
    if (it == counters_->values.end())
      it = counters_->values.emplace(std::string(counter), 0).first;
    it->second += n;
  }

  std::string_view environment() const override { return environment_.name; }
  bool production() const override { return environment_.production; }

 private:
  Finding Base(std::string message, const ReportExtra& extra) const {
    Finding f;
    f.rule = std::string(meta_.id);
    f.severity = extra.severity.value_or(severity_);
    f.message = std::move(message);
    if (!extra.secret.empty()) {
      f.redact_length = static_cast<int>(extra.secret.size());
      f.fingerprint = SecretDigest(extra.secret);  // completed with the location later
    }
    return f;
  }

  const RuleMeta& meta_;
  Severity severity_;
  std::vector<Finding>& out_;
  const Environment& environment_;
  const FileUnit* file_ = nullptr;
  const Document* doc_ = nullptr;
  const Workspace* workspace_ = nullptr;
  RunCounters* counters_ = nullptr;
};

Engine::Engine(const Config& config, RuleList rules, EngineOptions options)
    : config_(config), rules_(std::move(rules)), options_(std::move(options)) {
  options_.jobs = ResolveJobs(options_.jobs);
}

Engine::~Engine() = default;

Status Engine::Prepare() {
  // Unknown rule ids in the config are mistakes that would silently do nothing.
  std::vector<std::string_view> ids;
  for (const auto& rule : rules_) ids.push_back(rule->meta().id);
  for (const RuleMeta& meta : EngineRuleMetas()) ids.push_back(meta.id);
  for (const auto& [id, setting] : config_.rules()) {
    if (std::find(ids.begin(), ids.end(), id) == ids.end()) {
      Position pos;
      if (const Document* doc = config_.document()) {
        const Node* rules = doc->Find("/rules");
        const Node* key = rules ? rules->KeyNode(id) : nullptr;
        pos = key ? key->pos : doc->PositionOf("/rules");
      }
      return Unexpected(fmt::format("{}:{}:{}: unknown rule '{}'{}", config_.path(), pos.line,
                                    pos.column, id, DidYouMean(id, ids)));
    }
  }
  RuleList enabled;
  for (const auto& rule : rules_) known_rule_ids_.push_back(std::string(rule->meta().id));
  for (auto& rule : rules_) {
    const RuleMeta& meta = rule->meta();
    Severity severity = meta.severity;
    const Node* options = nullptr;
    if (auto it = config_.rules().find(meta.id); it != config_.rules().end()) {
      if (it->second.enabled == false) continue;
      if (it->second.severity) severity = *it->second.severity;
      options = it->second.options;
    }
    if (Status status = rule->Configure(options); !status) {
      Position pos;
      if (const Document* doc = config_.document()) {
        pos = doc->PositionOf(JoinPointer(JoinPointer("/rules", meta.id), "options"));
      }
      return Unexpected(fmt::format("{}:{}:{}: options of {}: {}", config_.path(), pos.line,
                                    pos.column, meta.id, status.error().message));
    }
    if (Status status = rule->Setup(RunScope{config_, options_.settings, services_}); !status) {
      return Unexpected(fmt::format("{}: {}", meta.id, status.error().message));
    }
    severity_.push_back(severity);
    enabled.push_back(std::move(rule));
  }
  rules_ = std::move(enabled);
  if (!options_.run_identity.empty() && !options_.settings.result_cache_dir.empty()) {
    std::string identity = options_.run_identity;
    for (size_t r = 0; r < rules_.size(); ++r) {
      const RuleMeta& meta = rules_[r]->meta();
      identity += fmt::format("\nrule {} {} {}", meta.id, SeverityName(severity_[r]),
                              RuleScopeName(meta.scope));
    }
    results_identity_ = Sha256Hex(identity);
    results_ = std::make_unique<ResultStore>(options_.settings.result_cache_dir, ".findings",
                                             options_.settings.result_cache_max_bytes);
  }
  return Ok{};
}

namespace {

/// Step 1 of a run: reads and parses every input in parallel. Unreadable files become skips
/// (and errors), binary text files skips.
void LoadFiles(Discovery& inputs, const Config& config, int jobs, Workspace& workspace,
               RunResult& result) {
  const size_t count = inputs.files.size();
  std::vector<std::unique_ptr<FileUnit>> units(count);
  std::vector<std::optional<SkippedFile>> load_skips(count);
  ParallelFor(count, jobs, [&](size_t i) {
    InputFile& input = inputs.files[i];
    Expected<std::string> text = ReadInput(input, config.max_file_size());
    if (!text) {
      load_skips[i] = SkippedFile{input.display_path, text.error().message, true};
      return;
    }
    const bool yaml = input.kind != FileKind::kText && input.kind != FileKind::kTemplate;
    if (!yaml && LooksBinary(*text)) {
      load_skips[i] = SkippedFile{input.display_path, "binary file", false};
      return;
    }
    auto unit = std::make_unique<FileUnit>();
    unit->source = SourceFile::FromText(input.display_path, std::move(*text));
    unit->input = std::move(input);
    if (yaml) {
      LoadResult loaded = LoadYaml(unit->source);
      if (loaded.error && IsChartFileTemplate(unit->input, unit->source->text())) {
        // A chart's `.Files` text with template syntax: rendered by `tpl`, read as a template.
        unit->input.kind = FileKind::kTemplate;
        units[i] = std::move(unit);
        return;
      }
      unit->documents = std::move(loaded.documents);
      unit->parse_error = std::move(loaded.error);
      const FileKind kind = unit->input.kind;
      for (auto& doc : unit->documents) {
        if (kind == FileKind::kChartMeta) doc->set_kind(DocKind::kChart);
        if (kind == FileKind::kValues) doc->set_kind(DocKind::kValues);
        if (kind == FileKind::kConfig) doc->set_kind(DocKind::kConfig);
      }
    }
    units[i] = std::move(unit);
  });
  for (size_t i = 0; i < count; ++i) {
    if (units[i]) workspace.files().push_back(std::move(units[i]));
    if (load_skips[i]) {
      if (load_skips[i]->is_error) result.errors.push_back(load_skips[i]->reason);
      result.skipped.push_back(std::move(*load_skips[i]));
    }
  }
}

/// Whether a rule's findings on a file depend on that file alone (and the run's identity), so
/// that they can be kept between runs; a workspace rule (or one that does not say) always runs.
bool Cacheable(const Rule& rule) {
  return rule.meta().scope == RuleScope::kDocument || rule.meta().scope == RuleScope::kFile;
}

/// The finding that stands for a rule that threw: the run cannot vouch for what it skipped.
Finding InternalError(std::string message, std::string file) {
  Finding f;
  f.rule = std::string(kInternalError);
  f.severity = Severity::kError;
  f.message = std::move(message);
  f.file = std::move(file);
  f.line = 1;
  f.column = 1;
  return f;
}

/// Gives every finding its fingerprint: its identity, not its line, so that edits elsewhere in
/// the file keep it.
void Fingerprint(std::vector<Finding>& findings) {
  for (Finding& f : findings) {
    f.fingerprint =
        Fnv1aHex(fmt::format("{}\n{}\n{}/{}/{}/{}\n{}\n{}", f.rule, f.file, f.object.api_version,
                             f.object.kind, f.object.ns, f.object.name, f.pointer, f.fingerprint));
    if (f.pointer.empty() && f.redact_length == 0 && f.object.empty()) {
      // Text-level findings have no pointer: the message (never a secret) identifies them.
      f.fingerprint = Fnv1aHex(f.fingerprint + f.message);
    }
  }
}

}  // namespace

std::string Engine::FileResultKey(const FileUnit& file) const {
  if (!results_) return "";
  // The file as the rules see it: where it is shown, what kind of input it is, the chart it
  // belongs to, how its documents were classified, and its bytes.
  std::string key = fmt::format("{}\n{}\n{}\n{}\n", results_identity_, file.input.display_path,
                                static_cast<int>(file.input.kind), file.input.chart_root);
  for (const auto& doc : file.documents)
    key += fmt::format("{} ", static_cast<unsigned>(doc->kind()));
  key += '\n';
  key += Sha256Hex(file.source->text());
  return Sha256Hex(key);
}

void Engine::CheckFiles(const Workspace& workspace, RunCounters& counters,
                        std::vector<Finding>& findings, std::vector<Suppression>& suppressions,
                        bool& crashed, int& cached_files) const {
  const auto& files = workspace.files();
  std::vector<std::vector<Finding>> per_file(files.size());
  std::vector<std::vector<Suppression>> per_file_suppressions(files.size());
  std::atomic<bool> any_crash{false};
  std::atomic<int> cache_hits{0};
  auto run_guarded = [&](const Rule& rule, std::vector<Finding>& out, const FileUnit& file,
                         bool& rule_crashed, auto&& call) {
    try {
      call();
    } catch (const std::exception& e) {
      rule_crashed = true;
      out.push_back(
          InternalError(fmt::format("rule {} failed on this file: {}", rule.meta().id, e.what()),
                        file.input.display_path));
    }
  };
  ParallelFor(files.size(), options_.jobs, [&](size_t i) {
    const FileUnit& file = *files[i];
    if (!InShard(workspace, file.input.display_path)) return;  // another shard checks it
    std::vector<Finding>& out = per_file[i];
    per_file_suppressions[i] = CollectSuppressions(file);
    // File- and document-scope findings from the result cache when this file was checked
    // before under the same identity; they are suppressed, mapped and fingerprinted anew below.
    const std::string key = FileResultKey(file);
    std::optional<FileResult> cached;
    if (!key.empty()) {
      if (std::optional<std::string> bytes = results_->Get(key)) cached = DecodeFileResult(*bytes);
    }
    if (cached) {
      // The secrets of the file, remembered again: this run's output is scrubbed as the run's
      // that stored the result was. An entry that does not fit the file is a miss.
      const std::string_view text = file.source ? file.source->text() : std::string_view();
      const bool fits =
          std::all_of(cached->secrets.begin(), cached->secrets.end(),
                      [&](const SecretSpan& s) { return s.offset + s.length <= text.size(); });
      if (fits) {
        for (const SecretSpan& s : cached->secrets) RememberSecret(text.substr(s.offset, s.length));
      } else {
        cached.reset();
      }
    }
    if (cached) {
      ++cache_hits;
      std::move(cached->findings.begin(), cached->findings.end(), std::back_inserter(out));
      AddCounters(counters, cached->counters);
    }
    // What this run computes of the cacheable rules, kept apart to be stored.
    std::vector<Finding> fresh;
    RunCounters fresh_counters;
    bool fresh_crashed = false;
    bool other_crashed = false;
    const Environment file_env = EnvironmentOf(config_, file, nullptr, options_.environment);
    std::vector<Environment> doc_envs;
    doc_envs.reserve(file.documents.size());
    for (const auto& doc : file.documents) {
      doc_envs.push_back(EnvironmentOf(config_, file, doc.get(), options_.environment));
    }
    for (size_t r = 0; r < rules_.size(); ++r) {
      const Rule& rule = *rules_[r];
      const bool cacheable = !key.empty() && Cacheable(rule);
      if (cacheable && cached) continue;
      std::vector<Finding>& sink = cacheable ? fresh : out;
      RunCounters& counted = cacheable ? fresh_counters : counters;
      bool& rule_crashed = cacheable ? fresh_crashed : other_crashed;
      FindingCollector ctx(rule.meta(), severity_[r], sink, file_env);
      ctx.SetSubject(&file, nullptr);
      ctx.SetRun(&workspace, &counted);
      run_guarded(rule, sink, file, rule_crashed, [&] { rule.CheckFile(file, ctx); });
      for (size_t d = 0; d < file.documents.size(); ++d) {
        const Document& doc = *file.documents[d];
        if (!Intersects(rule.meta().applies_to, doc.kind())) continue;
        FindingCollector doc_ctx(rule.meta(), severity_[r], sink, doc_envs[d]);
        doc_ctx.SetSubject(&file, &doc);
        doc_ctx.SetRun(&workspace, &counted);
        run_guarded(rule, sink, file, rule_crashed, [&] { rule.CheckDocument(doc, doc_ctx); });
      }
    }
    if (!key.empty() && !cached) {
      // A crash is never kept: the next run tries again and says so again.
      if (!fresh_crashed) {
        results_->Put(key, EncodeFileResult({fresh, fresh_counters.values,
                                             file.source ? SecretSpans(file.source->text())
                                                         : std::vector<SecretSpan>{}}));
      }
      AddCounters(counters, fresh_counters.values);
      std::move(fresh.begin(), fresh.end(), std::back_inserter(out));
    }
    if (fresh_crashed || other_crashed) any_crash = true;
  });
  for (auto& list : per_file) std::move(list.begin(), list.end(), std::back_inserter(findings));
  for (auto& list : per_file_suppressions) {
    std::move(list.begin(), list.end(), std::back_inserter(suppressions));
  }
  crashed |= any_crash;
  cached_files += cache_hits;
}

void Engine::CheckWorkspace(const Workspace& workspace, RunCounters& counters,
                            std::vector<Finding>& findings, bool& crashed) const {
  const Environment run_env = NamedEnvironment(config_, options_.environment);
  for (size_t r = 0; r < rules_.size(); ++r) {
    const Rule& rule = *rules_[r];
    FindingCollector ctx(rule.meta(), severity_[r], findings, run_env);
    ctx.SetRun(&workspace, &counters);
    try {
      rule.CheckWorkspace(workspace, ctx);
    } catch (const std::exception& e) {
      crashed = true;
      findings.push_back(
          InternalError(fmt::format("rule {} failed: {}", rule.meta().id, e.what()), ""));
    }
  }
}

void Engine::Finish(const Workspace& workspace, std::vector<Finding> findings,
                    std::vector<Suppression> suppressions, RunResult& result) const {
  // Suppressions: ids of active rules, of disabled ones (their suppressions stay valid) and of
  // every rule the binary knows.
  std::vector<std::string_view> active_ids;
  for (const auto& rule : rules_) active_ids.push_back(rule->meta().id);
  std::vector<std::string_view> known_ids = active_ids;
  for (const auto& [id, setting] : config_.rules()) {
    if (setting.enabled == false) known_ids.push_back(id);
  }
  known_ids.insert(known_ids.end(), known_rule_ids_.begin(), known_rule_ids_.end());
  for (const FindingMapper& mapper : mappers_) mapper(workspace, findings);
  // One shard of several (checker/shard_scope.h) reports, suppresses and counts its files only.
  std::erase_if(findings, [&](const Finding& f) { return !InShard(workspace, f.file); });
  std::erase_if(result.skipped,
                [&](const SkippedFile& s) { return !InShard(workspace, s.display_path); });
  for (const auto& file : workspace.files()) {
    if (!InShard(workspace, file->input.display_path)) continue;
    for (const auto& doc : file->documents) AddAnnotationSuppressions(*doc, suppressions);
  }
  ApplySuppressions(suppressions, known_ids, active_ids, findings, result.summary.suppressed);
  Fingerprint(findings);
  std::sort(findings.begin(), findings.end(), FindingLess);
  result.findings = std::move(findings);

  RunSummary& summary = result.summary;
  for (const auto& file : workspace.files()) {
    if (!InShard(workspace, file->input.display_path)) continue;
    ++summary.files;
    summary.documents += static_cast<int>(file->documents.size());
    result.sources.emplace(file->input.display_path, file->source);
  }
  summary.skipped = static_cast<int>(result.skipped.size());
  for (const SkippedFile& skip : result.skipped)
    ++summary.skipped_by_reason[std::string(SkipKindName(skip.kind))];
  summary.findings = static_cast<int>(result.findings.size());
  for (const Finding& f : result.findings) ++summary.by_severity[static_cast<int>(f.severity)];

  result.rules = RuleMetas();
}

std::vector<RuleMeta> Engine::RuleMetas() const {
  std::vector<RuleMeta> metas;
  for (const auto& rule : rules_) metas.push_back(rule->meta());
  for (const RuleMeta& meta : EngineRuleMetas()) metas.push_back(meta);
  std::sort(metas.begin(), metas.end(),
            [](const RuleMeta& a, const RuleMeta& b) { return a.id < b.id; });
  return metas;
}

RunResult Engine::Run(Discovery inputs) {
  DeclarePathsPublic(inputs);
  RunResult result;
  result.workspace = std::make_shared<Workspace>();
  Workspace& workspace = *result.workspace;
  result.errors = std::move(inputs.errors);
  result.skipped = std::move(inputs.skipped);
  RunCounters counters;
  bool crashed = false;
  std::vector<Finding> findings;
  std::vector<Suppression> suppressions;

  // 1. Load every file in parallel.
  LoadFiles(inputs, config_, options_.jobs, workspace, result);
  // 2. Stages that add subjects (rendering) or check the whole set (sealing).
  for (const WorkspaceStage& stage : stages_) stage(workspace, result);
  // 3. File and document rules, in parallel per file.
  CheckFiles(workspace, counters, findings, suppressions, crashed, result.summary.cached_files);
  // 4. Workspace rules (cross-object), once.
  CheckWorkspace(workspace, counters, findings, crashed);
  // 5. Mappers, suppressions, fingerprints, order, summary.
  Finish(workspace, std::move(findings), std::move(suppressions), result);
  result.summary.counters = std::move(counters.values);
  if (results_ && result.summary.cached_files < result.summary.files) results_->Prune();
  if (crashed)
    result.errors.push_back("a rule failed with an internal error (see internal-error findings)");
  return result;
}

}  // namespace syncgate
