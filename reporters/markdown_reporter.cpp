// markdown: a merge-request comment. A headline with pass/fail and counts, then per file a table
// of findings and the (redacted) source lines they point at, then skipped files and tool errors.
#include <fmt/format.h>

#include <algorithm>

#include "reporters/report_util.h"
#include "reporters/reporter.h"

namespace syncgate::reporters {
namespace {

/// Text for a table cell: '|' would end the cell, a newline the row, and '<' could open HTML.
std::string Cell(std::string_view text) {
  // PrintableText leaves no CR for kText to turn into a reference.
  const std::string s = EscapeMarkup(PrintableText(text), Markup::kText);
  std::string out;
  for (const char c : s) {
    switch (c) {
      case '|':
        out += "\\|";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '`':
        out += "\\`";
        break;
      case '\n':
        out += "<br>";
        break;
      case '\t':
        out += ' ';
        break;
      default:
        out += c;
    }
  }
  return out;
}

/// A code span that survives backticks in the content (CommonMark: a longer fence) and sits in a
/// table (pipes escaped; GitHub and GitLab unescape them inside code spans in tables).
std::string Code(std::string_view text) {
  const std::string s = PrintableText(text);
  size_t longest = 0, run = 0;
  std::string body;
  for (const char c : s) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
    if (c == '|') body += '\\';
    body += c == '\n' ? ' ' : c;
  }
  const std::string fence(longest + 1, '`');
  const bool pad = !body.empty() && (body.front() == '`' || body.back() == '`');
  return pad ? fence + " " + body + " " + fence : fence + body + fence;
}

std::string_view Icon(Severity severity) {
  switch (severity) {
    case Severity::kError:
      return "🔴";
    case Severity::kWarning:
      return "🟡";
    case Severity::kInfo:
      return "🔵";
  }
  return "";
}

void WriteExcerpts(const RunResult& result, const std::vector<const Finding*>& findings,
                   std::ostream& out) {
  std::vector<std::string> lines;
  int last_line = -1;
  for (const Finding* f : findings) {
    if (f->line == last_line) continue;  // one excerpt per line, even with several findings
    last_line = f->line;
    if (std::string text = ExcerptLine(result, *f); !text.empty()) {
      lines.push_back(fmt::format("{:>5} | {}", f->line, PrintableText(text)));
    }
  }
  if (lines.empty()) return;
  size_t longest = 0;
  for (const std::string& line : lines) {
    size_t run = 0;
    for (const char c : line) longest = std::max(longest, run = c == '`' ? run + 1 : 0);
  }
  const std::string fence(std::max<size_t>(3, longest + 1), '`');
  out << "\n" << fence << "yaml\n";
  for (const std::string& line : lines) out << line << "\n";
  out << fence << "\n";
}

}  // namespace

void WriteMarkdown(const RunResult& result, std::ostream& out, const ReportOptions& options) {
  const RunSummary& s = result.summary;
  const bool failing =
      !result.errors.empty() ||
      std::any_of(result.findings.begin(), result.findings.end(),
                  [&](const Finding& f) { return MeetsThreshold(f.severity, options.fail_on); });
  const std::string verdict = !result.errors.empty() ? "❌ **syncgate could not finish**"
                              : failing              ? "❌ **syncgate failed**"
                                                     : "✅ **syncgate passed**";
  out << fmt::format("### {}: {} finding{} ({})\n\n", verdict, s.findings,
                     s.findings == 1 ? "" : "s", SeverityCounts(s));
  out << fmt::format("Checked {} files, {} documents, {} rendered; {} skipped{}{}.\n", s.files,
                     s.documents, s.rendered, s.skipped, SkippedByReason(s),
                     s.suppressed ? fmt::format("; {} suppressed", s.suppressed) : "");

  // Findings are sorted by file first, so each file's findings are one contiguous run.
  for (auto it = result.findings.begin(); it != result.findings.end();) {
    const std::string& file = it->file;
    std::vector<const Finding*> in_file;
    for (; it != result.findings.end() && it->file == file; ++it) in_file.push_back(&*it);
    out << fmt::format("\n#### {}\n\n", Code(file));
    out << "| Severity | Rule | Location | Message |\n|---|---|---|---|\n";
    for (const Finding* f : in_file) {
      std::string message = f->message;
      if (f->rendered) {
        message +=
            fmt::format(" (rendered from {}, {})", f->rendered->template_path, f->rendered->render);
      }
      out << fmt::format("| {} {} | {} | {} | {} |\n", Icon(f->severity), SeverityName(f->severity),
                         Code(f->rule), Code(fmt::format("{}:{}:{}", f->file, f->line, f->column)),
                         Cell(message));
    }
    if (options.excerpts) WriteExcerpts(result, in_file, out);
  }

  if (!result.skipped.empty()) {
    out << fmt::format("\n#### Skipped ({})\n\n", result.skipped.size());
    for (const SkippedFile& skip : result.skipped) {
      out << fmt::format("- {}: {}{}\n", Code(skip.display_path), Cell(skip.reason),
                         skip.is_error ? " (error)" : "");
    }
  }
  if (const std::vector<std::string> errors = RunLevelErrors(result); !errors.empty()) {
    out << "\n#### Tool errors\n\n";
    for (const std::string& error : errors) out << fmt::format("- {}\n", Cell(error));
  }
}

}  // namespace syncgate::reporters
