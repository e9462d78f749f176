// Every rule's fixtures, tests/rules/<rule-id>/{fires,passes}[.yaml]: running every rule over a
// fixture must produce exactly the findings its comments expect, of ANY rule, one comment entry
// per finding (two findings of a rule on one line need the id twice).
//
//   # expect: <rule-id>[@<col>] ["<text>"][, <rule-id>...]   a finding on this line
//   # expect+N: <rule-id>...     a finding N lines below (lines that cannot carry a comment, such
//                                as a block scalar's content or a key that must stay last)
//   # expect-run: <rule-id>...   a finding with no file (a workspace finding about the whole run);
//                                the comment may stand anywhere in the fixture
//   # expect-at <path>: <rule-id>...  a finding on line 1 of `<path>` (relative to the comment's
//                                folder), for files that cannot carry a comment (a symlink)
//
// JSON has no comments: in a `.json` fixture an expectation is a string value whose content is
// the comment, `"_1": "# expect+2: secret-vault-token \"Vault token\""` (JSON escapes undone).
//
// `@<col>` pins the 1-based column. `"<text>"` must occur in the finding's message (a substring;
// `\"` and `\\` escape a quote and a backslash); the message of secret findings shows only the
// redacted form, so never write more of a secret than that. `fires` must expect the rule under
// test at least once, and at least one of those expectations must state the message; `passes`
// must not expect it (it may expect other rules' findings).
#include <fmt/format.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <fstream>
#include <functional>
#include <optional>
#include <sstream>
#include <tuple>

#include "checker/text_util.h"
#include "rules/registry.h"
#include "tests/test_util.h"

namespace syncgate {
namespace {
namespace fs = std::filesystem;

struct Expectation {
  std::string rule;
  std::string file;                 // display path; empty for `expect-run`
  int line = 0;                     // 0 for `expect-run`
  int column = 0;                   // 0: any
  std::optional<std::string> text;  // must occur in the message
  std::string where;                // the comment's own file:line, for failure messages
};

std::string Describe(const Expectation& e) {
  std::string out = e.file.empty() ? "(no file)" : fmt::format("{}:{}", e.file, e.line);
  if (e.column) out += fmt::format(":{}", e.column);
  out += ": " + e.rule;
  if (e.text) out += fmt::format(" \"{}\"", *e.text);
  return out;
}

/// Parses the entries after `# expect...:`: `id[@col] ["text"]`, separated by commas. Returns
/// an error message for a malformed entry.
std::string ParseEntries(std::string_view rest, const Expectation& base,
                         std::vector<Expectation>& out) {
  size_t i = 0;
  auto skip_space = [&] {
    while (i < rest.size() && (rest[i] == ' ' || rest[i] == '\t')) ++i;
  };
  while (true) {
    skip_space();
    if (i >= rest.size()) return out.empty() ? "no rule id after the colon" : "";
    Expectation e = base;
    const size_t id_start = i;
    while (i < rest.size() && (std::isalnum(static_cast<unsigned char>(rest[i])) || rest[i] == '-'))
      ++i;
    e.rule = std::string(rest.substr(id_start, i - id_start));
    if (e.rule.empty()) return fmt::format("expected a rule id at '{}'", rest.substr(id_start));
    if (i < rest.size() && rest[i] == '@') {
      const size_t digits = ++i;
      while (i < rest.size() && std::isdigit(static_cast<unsigned char>(rest[i]))) ++i;
      if (i == digits) return "expected a column after '@'";
      e.column = std::stoi(std::string(rest.substr(digits, i - digits)));
    }
    skip_space();
    if (i < rest.size() && rest[i] == '"') {
      std::string text;
      for (++i; i < rest.size() && rest[i] != '"'; ++i) {
        if (rest[i] == '\\' && i + 1 < rest.size()) ++i;
        text += rest[i];
      }
      if (i >= rest.size()) return "unterminated message text";
      ++i;
      e.text = std::move(text);
      skip_space();
    }
    out.push_back(std::move(e));
    if (i >= rest.size()) return "";
    if (rest[i] != ',')
      return fmt::format("expected ',' or the end of the line at '{}'", rest.substr(i));
    ++i;
  }
}

/// The rest of a JSON string from `rest` on, its escapes undone: what an expectation written as
/// a JSON string value says.
std::string JsonStringRest(std::string_view rest) {
  std::string out;
  for (size_t i = 0; i < rest.size() && rest[i] != '"'; ++i) {
    if (rest[i] == '\\' && i + 1 < rest.size()) ++i;
    out += rest[i];
  }
  return out;
}

/// Reads every expectation comment of a fixture file or folder. Malformed comments go to `errors`.
std::vector<Expectation> ReadExpectations(const fs::path& path, std::vector<std::string>& errors) {
  std::vector<Expectation> out;
  std::vector<fs::path> files;
  if (fs::is_directory(path)) {
    for (const auto& entry : fs::recursive_directory_iterator(path)) {
      // Not through links: a fixture may hold a link to /etc/passwd (input-symlink-outside).
      if (!entry.is_symlink() && entry.is_regular_file()) files.push_back(entry.path());
    }
  } else {
    files.push_back(path);
  }
  std::sort(files.begin(), files.end());
  for (const fs::path& file : files) {
    const std::string display = fs::absolute(file)
                                    .lexically_normal()
                                    .lexically_relative(fs::current_path())
                                    .generic_string();
    std::ifstream in(file);
    std::string line;
    int number = 0;
    while (std::getline(in, line)) {
      ++number;
      size_t at = line.find("# expect");
      if (at == std::string::npos) continue;
      std::string_view rest = std::string_view(line).substr(at + 8);
      const std::string json_rest = file.extension() == ".json" ? JsonStringRest(rest) : "";
      if (file.extension() == ".json") rest = json_rest;
      Expectation base;
      base.where = fmt::format("{}:{}", display, number);
      if (StartsWith(rest, "-run")) {
        rest.remove_prefix(4);
      } else if (StartsWith(rest, "-at ")) {
        const size_t colon = rest.find(':');
        const std::string_view name = rest.substr(4, colon == rest.npos ? 0 : colon - 4);
        base.file = (fs::path(display).parent_path() / name).generic_string();
        base.line = 1;
        rest.remove_prefix(colon == rest.npos ? rest.size() : colon);
      } else {
        int offset = 0;
        if (!rest.empty() && rest[0] == '+') {
          size_t digits = 1;
          while (digits < rest.size() && std::isdigit(static_cast<unsigned char>(rest[digits])))
            ++digits;
          offset = std::stoi("0" + std::string(rest.substr(1, digits - 1)));
          rest = rest.substr(digits);
        }
        base.file = display;
        base.line = number + offset;
      }
      if (rest.empty() || rest[0] != ':') {
        errors.push_back(base.where +
                         ": '# expect' must be followed by ':', '+N:', '-run:' or '-at <path>:'");
        continue;
      }
      if (std::string error = ParseEntries(rest.substr(1), base, out); !error.empty()) {
        errors.push_back(base.where + ": " + error);
      }
    }
  }
  return out;
}

bool Matches(const Expectation& e, const Finding& f) {
  return e.rule == f.rule && e.file == f.file && (e.file.empty() || e.line == f.line) &&
         (e.column == 0 || e.column == f.column) &&
         (!e.text || f.message.find(*e.text) != std::string::npos);
}

/// Pairs each finding with one expectation (maximum bipartite matching, so that a loose
/// expectation does not take the finding a pinned one needs). Returns, per finding, the index of
/// its expectation or -1.
std::vector<int> Pair(const std::vector<Expectation>& expected,
                      const std::vector<Finding>& findings) {
  std::vector<int> owner(expected.size(), -1);  // expectation → finding
  std::vector<int> pair(findings.size(), -1);   // finding → expectation
  std::function<bool(size_t, std::vector<bool>&)> augment = [&](size_t f, std::vector<bool>& seen) {
    for (size_t e = 0; e < expected.size(); ++e) {
      if (seen[e] || !Matches(expected[e], findings[f])) continue;
      seen[e] = true;
      if (owner[e] < 0 || augment(static_cast<size_t>(owner[e]), seen)) {
        owner[e] = static_cast<int>(f);
        pair[f] = static_cast<int>(e);
        return true;
      }
    }
    return false;
  };
  for (size_t f = 0; f < findings.size(); ++f) {
    std::vector<bool> seen(expected.size(), false);
    augment(f, seen);
  }
  return pair;
}

fs::path FixturePath(const fs::path& dir, const std::string& name) {
  if (fs::exists(dir / (name + ".yaml"))) return dir / (name + ".yaml");
  if (fs::is_directory(dir / name)) return dir / name;
  return {};
}

}  // namespace

TEST_CASE("every rule has fires and passes fixtures", "[rules][fixtures]") {
  const fs::path root = testing::SourceDir() / "tests" / "rules";
  for (const auto& rule : MakeBuiltinRules()) {
    const std::string id(rule->meta().id);
    INFO("rule " << id << ": add tests/rules/" << id << "/fires.yaml and passes.yaml");
    CHECK_FALSE(FixturePath(root / id, "fires").empty());
    CHECK_FALSE(FixturePath(root / id, "passes").empty());
  }
}

TEST_CASE("rule fixtures produce exactly the expected findings", "[rules][fixtures]") {
  const fs::path root = fs::path("tests") / "rules";
  std::vector<std::string> ids;
  for (const auto& rule : MakeBuiltinRules()) ids.emplace_back(rule->meta().id);
  for (const std::string& id : ids) {
    for (const std::string kind : {"fires", "passes"}) {
      const fs::path fixture = FixturePath(root / id, kind);
      if (fixture.empty()) continue;
      DYNAMIC_SECTION(id << " " << kind) {
        std::vector<std::string> syntax_errors;
        const std::vector<Expectation> expected = ReadExpectations(fixture, syntax_errors);
        for (const std::string& error : syntax_errors) FAIL_CHECK(error);
        // The helm-render-* rules report on renders: their fixtures are rendered by real helm.
        const bool render = StartsWith(id, "helm-render-") || id == "helm-dependency-substituted";
        // helm-values-schema reads the chart model of the render stage, but needs no helm.
        const bool model = render || id == "helm-values-schema";
        if (render && testing::TestHelm().empty()) {
          WARN(id << " fixtures skipped: no helm (run tools/install-helm.sh)");
          continue;
        }
        // The kustomize-* rules report on Kustomize builds: built by the real kubectl.
        const bool kustomize = StartsWith(id, "kustomize-");
        if (kustomize && testing::TestKustomize().empty()) {
          WARN(id << " fixtures skipped: no kubectl or kustomize (run tools/install-helm.sh)");
          continue;
        }
        const RunResult result = model || kustomize
                                     ? testing::CheckRendered({fixture.generic_string()})
                                     : testing::Check({fixture.generic_string()});
        std::string listing;
        for (const Finding& f : result.findings) {
          listing +=
              fmt::format("  {}:{}:{}: {}: {}\n", f.file, f.line, f.column, f.rule, f.message);
        }
        INFO("findings of every rule:\n" << listing);

        // What the fixture says about the rule under test.
        bool under_test = false;
        bool with_text = false;
        for (const Expectation& e : expected) {
          if (e.rule != id) continue;
          under_test = true;
          with_text |= e.text.has_value();
        }
        if (kind == "fires") {
          INFO(
              "a fires fixture expects the rule under test, and states the message at least once: "
              "# expect: "
              << id << " \"<part of the message>\"");
          CHECK(under_test);
          CHECK(with_text);
        } else {
          INFO("a passes fixture must not produce " << id);
          CHECK_FALSE(under_test);
        }

        // Every finding has its own expectation, and every expectation its own finding.
        const std::vector<int> pair = Pair(expected, result.findings);
        std::vector<bool> used(expected.size(), false);
        for (size_t f = 0; f < result.findings.size(); ++f) {
          if (pair[f] >= 0) {
            used[static_cast<size_t>(pair[f])] = true;
            continue;
          }
          const Finding& finding = result.findings[f];
          FAIL_CHECK(fmt::format("unexpected finding {}:{}:{}: {}: {}", finding.file, finding.line,
                                 finding.column, finding.rule, finding.message));
        }
        for (size_t e = 0; e < expected.size(); ++e) {
          if (!used[e]) {
            FAIL_CHECK(fmt::format("{}: expected {}, no such finding", expected[e].where,
                                   Describe(expected[e])));
          }
        }
        CHECK(result.errors.empty());
      }
    }
  }
}

}  // namespace syncgate
