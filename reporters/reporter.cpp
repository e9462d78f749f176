#include "reporters/reporter.h"

#include <fmt/format.h>

#include <sstream>

#include "checker/redaction.h"

namespace syncgate::reporters {

const std::vector<ReportFormat>& ReportFormats() {
  static const std::vector<ReportFormat> kFormats = {
      {"text", "compiler-style lines with the source line and a caret", WriteText},
      {"json", "the stable JSON report (see docs)", WriteJson},
      {"sarif", "SARIF 2.1.0 for code scanning (GitHub, GitLab, IDEs)", WriteSarif},
      {"junit", "JUnit XML test report: one test case per file (GitLab, Jenkins)", WriteJunit},
      {"gitlab", "GitLab Code Quality JSON for the merge-request widget", WriteGitlab},
      {"markdown", "a merge-request comment: verdict, findings per file, excerpts", WriteMarkdown},
  };
  return kFormats;
}

Status WriteReport(std::string_view format, const RunResult& result, std::ostream& out,
                   const ReportOptions& options) {
  std::string known;
  for (const ReportFormat& f : ReportFormats()) {
    if (f.name == format) {
      // Through the scrubber: an excerpt of another rule's finding on a secret's line, or a
      // renderer's message quoting a values line, must not print the secret either.
      std::ostringstream report;
      f.write(result, report, options);
      out << ScrubSecrets(report.str());
      return Ok{};
    }
    known += (known.empty() ? "" : ", ") + std::string(f.name);
  }
  return Unexpected(fmt::format("unknown format '{}' (known: {})", format, known));
}

std::string Printable(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    const auto byte = static_cast<unsigned char>(c);
    if ((byte < 0x20 && c != '\t') || byte == 0x7F) c = '?';
  }
  return out;
}

namespace {

/// Moves `at` back to the start of the UTF-8 character holding it.
size_t CharStart(std::string_view text, size_t at) {
  while (at > 0 && at < text.size() && (static_cast<unsigned char>(text[at]) & 0xC0) == 0x80) --at;
  return at;
}

}  // namespace

std::string ExcerptLine(const RunResult& result, const Finding& finding, size_t* caret) {
  const SourceFile* source = result.Source(finding.file);
  if (!source) return {};
  std::string line(source->Line(finding.line));
  size_t column =
      std::min<size_t>(static_cast<size_t>(std::max(finding.column - 1, 0)), line.size());
  if (finding.redact_length > 0) {
    // Keep the text before the value and at most 4 characters of it; never the rest of the line.
    size_t start = column;
    if (start < line.size() && (line[start] == '"' || line[start] == '\'')) ++start;
    size_t keep = start;
    for (int chars = 0; keep < line.size() && chars < 4; ++chars) {
      ++keep;
      while (keep < line.size() && (static_cast<unsigned char>(line[keep]) & 0xC0) == 0x80) ++keep;
    }
    if (finding.redact_length <= 8) keep = start;
    line = line.substr(0, keep) + "…[redacted]";
  }
  if (line.size() > kMaxExcerptBytes) {
    // A window that starts a third of the way before the column, so the finding shows with
    // what leads up to it.
    const size_t begin =
        CharStart(line, column > kMaxExcerptBytes / 3 ? column - kMaxExcerptBytes / 3 : 0);
    const size_t end = CharStart(line, std::min(line.size(), begin + kMaxExcerptBytes));
    std::string window = begin > 0 ? "..." : "";
    window += line.substr(begin, end - begin);
    if (end < line.size()) window += "...";
    column = column - begin + (begin > 0 ? 3 : 0);
    line = std::move(window);
  }
  if (caret) *caret = column;
  return Printable(line);
}

std::string SkippedByReason(const RunSummary& summary) {
  std::string out;
  for (const auto& [reason, count] : summary.skipped_by_reason) {
    out += fmt::format("{}{} {}", out.empty() ? " (" : ", ", count, reason);
  }
  return out.empty() ? out : out + ")";
}

std::string SeverityCounts(const RunSummary& summary) {
  auto plural = [](int n, std::string_view word) {
    return fmt::format("{} {}{}", n, word, n == 1 ? "" : "s");
  };
  return fmt::format("{}, {}, {} info", plural(summary.by_severity[2], "error"),
                     plural(summary.by_severity[1], "warning"), summary.by_severity[0]);
}

}  // namespace syncgate::reporters
