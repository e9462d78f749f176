#pragma once
// Merging the reports of the shards of one check (`syncgate check --shard I/N`, run/shard.h)
// into one report of each kind, as one unsharded run would have written it: JSON summaries added
// up and findings in run order, one SARIF run (results concatenated, rules and artifacts
// deduplicated, indexes renumbered, coverage added up), one JUnit suite (test cases
// concatenated, counts recomputed), one GitLab Code Quality array (deduplicated by fingerprint).
//
//   Expected<ShardReport> a = ReadShardReport("shard-1.json");  // kind found from the content
//   Expected<std::string> merged = MergeReports(ReportKind::kJson, {*a, *b});
//   if (!merged) Fail(merged.error().message);                  // names the malformed file

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "checker/expected.h"
#include "checker/finding.h"

namespace syncgate::reporters {

/// The report formats that merge (text and markdown are for people, not for merging).
enum class ReportKind { kJson, kSarif, kJunit, kGitlab };
/// "json", "sarif", "junit", "gitlab": the names `--format` uses.
std::string_view ReportKindName(ReportKind kind);
std::optional<ReportKind> ReportKindNamed(std::string_view name);

/// One shard's report, its kind recognised from its content.
struct ShardReport {
  std::string path;
  ReportKind kind = ReportKind::kJson;
  std::string text;
};

/// Reads `path` and recognises its kind; an unreadable file or one that is no syncgate report
/// is an error naming it.
Expected<ShardReport> ReadShardReport(const std::string& path);
/// Recognises the kind of `text`, read from `path` (for the error message).
Expected<ShardReport> RecogniseShardReport(std::string path, std::string text);

/// `reports` (all of `kind`) merged into one report's text. A report whose structure is not
/// what syncgate writes is an error naming its file.
Expected<std::string> MergeReports(ReportKind kind, const std::vector<ShardReport>& reports);

/// The severities of the findings a merged report holds (JSON, SARIF and GitLab reports say;
/// JUnit does not: empty), for the merge's --fail-on.
std::vector<Severity> ReportSeverities(ReportKind kind, std::string_view text);

}  // namespace syncgate::reporters
