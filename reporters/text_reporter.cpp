// text: `file:line:col: severity: message [rule-id]`, the source line and a caret, a summary.
#include <fmt/format.h>

#include "reporters/reporter.h"

namespace syncgate::reporters {
namespace {

std::string_view Colour(Severity severity) {
  switch (severity) {
    case Severity::kError:
      return "\x1b[1;31m";
    case Severity::kWarning:
      return "\x1b[1;33m";
    case Severity::kInfo:
      return "\x1b[1;36m";
  }
  return "";
}

}  // namespace

void WriteText(const RunResult& result, std::ostream& out, const ReportOptions& options) {
  const std::string_view bold = options.color ? "\x1b[1m" : "";
  const std::string_view reset = options.color ? "\x1b[0m" : "";
  for (const Finding& f : result.findings) {
    out << fmt::format("{}{}:{}:{}:{} {}{}:{} {} [{}]\n", bold, f.file, f.line, f.column, reset,
                       options.color ? Colour(f.severity) : "", SeverityName(f.severity), reset,
                       Printable(f.message), f.rule);
    if (f.rendered) {
      out << fmt::format("    rendered from {} ({})\n", f.rendered->template_path,
                         f.rendered->render);
    }
    if (!options.excerpts) continue;
    size_t caret = 0;
    const std::string line = ExcerptLine(result, f, &caret);
    if (line.empty()) continue;
    const std::string gutter = fmt::format("{:>5}", f.line);
    out << fmt::format("{} | {}\n", gutter, line);
    // The caret sits under the column; tabs in the prefix are kept so it lines up.
    std::string pad;
    for (size_t i = 0; i < caret && i < line.size(); ++i) pad += line[i] == '\t' ? '\t' : ' ';
    out << fmt::format("{} | {}{}^{}\n", std::string(gutter.size(), ' '), pad,
                       options.color ? Colour(f.severity) : "", reset);
  }
  const RunSummary& s = result.summary;
  out << fmt::format("{} files, {} documents, {} rendered, {} skipped{}: {}{}\n", s.files,
                     s.documents, s.rendered, s.skipped, SkippedByReason(s), SeverityCounts(s),
                     s.suppressed ? fmt::format(" ({} suppressed)", s.suppressed) : "");
  // Schema coverage, so that a run that validated nothing does not look like a clean one.
  auto counter = [&](std::string_view name) {
    auto it = s.counters.find(name);
    return it == s.counters.end() ? 0 : it->second;
  };
  if (counter("schema-validated") + counter("schema-missing") + counter("schema-unusable") > 0) {
    out << fmt::format("schemas: {} validated, {} without a schema{}\n",
                       counter("schema-validated"), counter("schema-missing"),
                       counter("schema-unusable")
                           ? fmt::format(", {} with an unusable schema", counter("schema-unusable"))
                           : "");
  }
}

}  // namespace syncgate::reporters
