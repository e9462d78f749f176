// Excerpts of hostile or huge lines: a minified manifest's one line of megabytes is shown as a
// window around the finding, and a file's control characters (terminal escape sequences) never
// reach the report.

#include <catch2/catch.hpp>
#include <sstream>
#include <string>

#include "reporters/reporter.h"

namespace syncgate {
namespace {

RunResult OneFile(const std::string& path, std::string text, int line, int column,
                  std::string message = "the message") {
  RunResult result;
  result.sources.emplace(path, SourceFile::FromText(path, std::move(text)));
  Finding f;
  f.rule = "yaml-syntax";
  f.severity = Severity::kError;
  f.file = path;
  f.line = line;
  f.column = column;
  f.message = std::move(message);
  result.findings.push_back(f);
  return result;
}

std::string Text(const RunResult& result) {
  std::ostringstream out;
  reporters::ReportOptions options;
  options.tool_version = "0.0.0-test";
  REQUIRE(reporters::WriteReport("text", result, out, options));
  return out.str();
}

TEST_CASE("excerpts: a huge line shows a window around the column, caret under it",
          "[reporters][excerpt]") {
  // 100,000 'a', the finding's 'X' at column 50,001, then 100,000 'b'.
  const std::string line = std::string(50000, 'a') + "X" + std::string(100000, 'b');
  const RunResult result = OneFile("big.yaml", "k: 1\n" + line + "\n", 2, 50001);
  size_t caret = 0;
  const std::string excerpt = reporters::ExcerptLine(result, result.findings[0], &caret);
  CHECK(excerpt.size() <= reporters::kMaxExcerptBytes + 6);
  CHECK(excerpt.starts_with("..."));
  CHECK(excerpt.ends_with("..."));
  REQUIRE(caret < excerpt.size());
  CHECK(excerpt[caret] == 'X');

  const std::string report = Text(result);
  CHECK(report.size() < 2000);  // not the 150 KB line
  // The caret line puts '^' right under the 'X'.
  const size_t excerpt_at = report.find("    2 | ");
  REQUIRE(excerpt_at != std::string::npos);
  const size_t x = report.find('X', excerpt_at);
  const size_t caret_line = report.find('\n', excerpt_at) + 1;
  REQUIRE(x != std::string::npos);
  CHECK(report[caret_line + (x - excerpt_at)] == '^');
}

TEST_CASE("excerpts: a short line and a finding near the start are shown whole",
          "[reporters][excerpt]") {
  const RunResult result = OneFile("small.yaml", "key: value\n", 1, 6);
  size_t caret = 0;
  CHECK(reporters::ExcerptLine(result, result.findings[0], &caret) == "key: value");
  CHECK(caret == 5);
  const std::string start = std::string(300, 'z');
  const RunResult wide = OneFile("wide.yaml", start + "\n", 1, 1);
  const std::string excerpt = reporters::ExcerptLine(wide, wide.findings[0], &caret);
  CHECK(excerpt == std::string(reporters::kMaxExcerptBytes, 'z') + "...");
  CHECK(caret == 0);
}

TEST_CASE("excerpts and messages: control characters are shown as '?'", "[reporters][excerpt]") {
  // ESC [2J clears the screen, ESC ]0; sets the terminal's title, BEL, CR rewrites the line.
  const RunResult result = OneFile("esc.yaml", "a: \"\x1b[2J\x1b]0;owned\x07\rtext\"\n", 1, 4,
                                   "value '\x1b[31mred\x1b[0m' is odd");
  const std::string report = Text(result);
  CHECK(report.find('\x1b') == std::string::npos);
  CHECK(report.find('\x07') == std::string::npos);
  CHECK(report.find('\r') == std::string::npos);
  CHECK(report.find("value '?[31mred?[0m' is odd") != std::string::npos);
  CHECK(report.find("a: \"?[2J?]0;owned??text\"") != std::string::npos);
  CHECK(reporters::Printable("tab\tkept") == "tab\tkept");
}

}  // namespace
}  // namespace syncgate
