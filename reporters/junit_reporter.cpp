// junit: JUnit XML as GitLab's test report (artifacts:reports:junit) and Jenkins read it.
//
// One <testsuite name="syncgate">; one <testcase> per checked file (so a clean file shows as a
// passed test); one <failure> per finding, every severity included: the report lists what the
// run found, --fail-on decides the exit code. internal-error findings are <error>s (the tool
// failed, not the input); skipped files are <skipped/> testcases, or <error> when skipping
// means the run could not do its job; other tool errors are <error>s of a "syncgate run" case.
// Counts are per testcase: `failures` = files with at least one finding.
#include <fmt/format.h>

#include "reporters/report_util.h"
#include "reporters/reporter.h"

namespace syncgate::reporters {
namespace {

/// Length of the UTF-8 sequence at `s[i]` when XML 1.0 allows its character, or 0.
size_t XmlCharLength(std::string_view s, size_t i) {
  uint32_t cp = 0;
  const size_t len = Utf8SequenceLength(s, i, &cp);
  if (len == 0) return 0;
  if (cp < 0x20) return cp == '\t' || cp == '\n' || cp == '\r' ? 1 : 0;
  return cp == 0xFFFE || cp == 0xFFFF ? 0 : len;
}

/// XML text or attribute value. Characters XML 1.0 cannot carry at all (control characters,
/// invalid UTF-8) become U+FFFD; in attributes, tabs and newlines become character references
/// so that attribute-value normalisation does not turn them into spaces.
std::string Escape(std::string_view s, bool attribute) {
  std::string valid;
  valid.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    const size_t len = XmlCharLength(s, i);
    valid += len == 0 ? std::string_view("\xEF\xBF\xBD") : s.substr(i, len);
    i += len == 0 ? 1 : len;
  }
  return EscapeMarkup(valid, attribute ? Markup::kAttribute : Markup::kText);
}

std::string Attr(std::string_view s) { return Escape(s, true); }
std::string Text(std::string_view s) { return Escape(s, false); }

struct Testcase {
  std::string name;
  std::string body;  // already-escaped child elements
  bool failed = false;
  bool errored = false;
  bool skipped = false;
  bool is_file = true;
};

std::string FindingText(const RunResult& result, const Finding& f, const ReportOptions& options) {
  std::string text = fmt::format("{}:{}:{}: {}: {} [{}]", f.file, f.line, f.column,
                                 SeverityName(f.severity), f.message, f.rule);
  if (f.rendered) {
    text += fmt::format("\nrendered from {} ({})", f.rendered->template_path, f.rendered->render);
  }
  if (options.excerpts) {
    if (std::string line = ExcerptLine(result, f); !line.empty()) {
      text += fmt::format("\n{:>5} | {}", f.line, line);
    }
  }
  return text;
}

}  // namespace

void WriteJunit(const RunResult& result, std::ostream& out, const ReportOptions& options) {
  std::vector<Testcase> cases;
  std::map<std::string, size_t, std::less<>> case_of_file;
  for (const std::string& path : CheckedFiles(result)) {
    case_of_file.emplace(path, cases.size());
    cases.push_back({path});
  }
  for (const Finding& f : result.findings) {
    Testcase& tc = cases[case_of_file.at(f.file)];
    const bool tool = IsToolFailure(f);
    const std::string_view element = tool ? "error" : "failure";
    tc.body += fmt::format("      <{} type=\"{}\" message=\"{}\">{}</{}>\n", element, Attr(f.rule),
                           Attr(f.message), Text(FindingText(result, f, options)), element);
    (tool ? tc.errored : tc.failed) = true;
  }
  for (const SkippedFile& skip : result.skipped) {
    Testcase tc{skip.display_path};
    if (skip.is_error) {
      tc.body = fmt::format("      <error type=\"skipped\" message=\"{}\"/>\n", Attr(skip.reason));
      tc.errored = true;
    } else {
      tc.body = fmt::format("      <skipped message=\"{}\"/>\n", Attr(skip.reason));
      tc.skipped = true;
    }
    cases.push_back(std::move(tc));
  }
  if (const std::vector<std::string> errors = RunLevelErrors(result); !errors.empty()) {
    Testcase tc{"syncgate run"};
    tc.is_file = false;
    for (const std::string& error : errors) {
      tc.body += fmt::format("      <error type=\"tool-error\" message=\"{}\"/>\n", Attr(error));
    }
    tc.errored = true;
    cases.push_back(std::move(tc));
  }

  int failures = 0, errors = 0, skipped = 0;
  for (const Testcase& tc : cases) {
    failures += tc.failed && !tc.errored;
    errors += tc.errored;
    skipped += tc.skipped;
  }
  const std::string counts =
      fmt::format("tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\"", cases.size(),
                  failures, errors, skipped);
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out << fmt::format("<testsuites name=\"syncgate\" {}>\n", counts);
  out << fmt::format("  <testsuite name=\"syncgate\" {}>\n", counts);
  for (const Testcase& tc : cases) {
    const std::string name = Attr(tc.name);
    out << fmt::format("    <testcase classname=\"syncgate\" name=\"{}\"", name);
    if (tc.is_file) out << fmt::format(" file=\"{}\"", name);
    if (tc.body.empty()) {
      out << "/>\n";
    } else {
      out << ">\n" << tc.body << "    </testcase>\n";
    }
  }
  out << "  </testsuite>\n</testsuites>\n";
}

}  // namespace syncgate::reporters
