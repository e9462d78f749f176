#pragma once
// Output formats. Each format is one file in reporters/ and sees only the sorted, read-only
// RunResult.
//
//   ReportOptions options{.color = isatty(1)};
//   if (Status s = WriteReport("sarif", result, std::cout, options); !s) Fail(s.error().message);

#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "checker/engine.h"
#include "checker/expected.h"

namespace syncgate::reporters {

struct ReportOptions {
  bool color = false;    // ANSI colours (text only; the CLI enables them on a TTY)
  bool excerpts = true;  // source line and caret under each finding (text)
  std::string tool_version = SYNCGATE_VERSION;
  /// The run's --fail-on threshold (nullopt = never), for formats that state pass or fail.
  std::optional<Severity> fail_on = Severity::kError;
};

using ReportWriter = void (*)(const RunResult&, std::ostream&, const ReportOptions&);

struct ReportFormat {
  std::string_view name;
  std::string_view description;
  ReportWriter write;
};

/// Every format, in the order `--help` lists them.
const std::vector<ReportFormat>& ReportFormats();
/// Writes `result` as `format`; an unknown format is an error naming the known ones.
Status WriteReport(std::string_view format, const RunResult& result, std::ostream& out,
                   const ReportOptions& options);

// One function per format (reporters/<format>_reporter.cpp).
void WriteText(const RunResult& result, std::ostream& out, const ReportOptions& options);
void WriteJson(const RunResult& result, std::ostream& out, const ReportOptions& options);
void WriteSarif(const RunResult& result, std::ostream& out, const ReportOptions& options);
void WriteJunit(const RunResult& result, std::ostream& out, const ReportOptions& options);
void WriteGitlab(const RunResult& result, std::ostream& out, const ReportOptions& options);
void WriteMarkdown(const RunResult& result, std::ostream& out, const ReportOptions& options);

/// The source line of a finding as shown to users: secrets hidden (see Finding::redact_length),
/// control characters shown as '?', and a line longer than kMaxExcerptBytes cut to a window
/// around the finding's column ("..." marks each cut). `caret` (when given) receives the byte
/// offset of the finding's column in the returned text.
std::string ExcerptLine(const RunResult& result, const Finding& finding, size_t* caret = nullptr);
/// Longest excerpt shown: a minified manifest or a generated file has lines of megabytes.
inline constexpr size_t kMaxExcerptBytes = 240;
/// `text` with C0 control characters other than tab, and DEL, shown as '?': a hostile file's
/// escape sequences must not reach the terminal or the CI log that prints a report.
std::string Printable(std::string_view text);
/// "3 errors, 1 warning, 0 info" style counts.
std::string SeverityCounts(const RunSummary& summary);

/// " (2 dependency unavailable, 1 network forbidden)": why things were skipped, so that a run
/// that rendered nothing never looks like a clean one; empty when nothing was skipped.
std::string SkippedByReason(const RunSummary& summary);

}  // namespace syncgate::reporters
