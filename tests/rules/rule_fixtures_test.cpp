// Every rule's fixtures: `fires` must produce exactly the findings its `# expect:` comments
// declare (rule, line, and column where given), `passes` must produce none of that rule.
#include <catch2/catch.hpp>

#include <fstream>
#include <set>
#include <sstream>
#include <tuple>

#include <fmt/format.h>

#include "checker/text_util.h"
#include "rules/registry.h"
#include "tests/test_util.h"

namespace syncgate {
namespace {
namespace fs = std::filesystem;

struct Expectation {
  std::string file;
  int line;
  int column;  // 0: any
  auto operator<=>(const Expectation&) const = default;
};

/// Reads `# expect: id[@col], ...` and `# expect+N: ...` comments for `rule_id`.
std::set<Expectation> ReadExpectations(const fs::path& path, const std::string& rule_id) {
  std::set<Expectation> out;
  std::vector<fs::path> files;
  if (fs::is_directory(path)) {
    for (const auto& entry : fs::recursive_directory_iterator(path)) {
      if (entry.is_regular_file()) files.push_back(entry.path());
    }
  } else {
    files.push_back(path);
  }
  for (const fs::path& file : files) {
    std::ifstream in(file);
    std::string line;
    int number = 0;
    while (std::getline(in, line)) {
      ++number;
      size_t at = line.find("# expect");
      if (at == std::string::npos) continue;
      std::string_view rest = std::string_view(line).substr(at + 8);
      int offset = 0;
      if (!rest.empty() && rest[0] == '+') {
        size_t digits = 1;
        while (digits < rest.size() && std::isdigit(static_cast<unsigned char>(rest[digits]))) ++digits;
        offset = std::stoi(std::string(rest.substr(1, digits - 1)));
        rest = rest.substr(digits);
      }
      if (rest.empty() || rest[0] != ':') continue;
      for (std::string_view token : Split(rest.substr(1), ',')) {
        token = Trim(token);
        int column = 0;
        if (size_t col = token.find('@'); col != std::string_view::npos) {
          column = std::stoi(std::string(token.substr(col + 1)));
          token = token.substr(0, col);
        }
        if (token == rule_id) {
          out.insert({fs::absolute(file).lexically_normal().lexically_relative(fs::current_path()).generic_string(),
                      number + offset, column});
        }
      }
    }
  }
  return out;
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
        const std::set<Expectation> expected = ReadExpectations(fixture, id);
        // The helm-render-* rules report on renders: their fixtures are rendered by real helm.
        const bool render = StartsWith(id, "helm-render-");
        // helm-values-schema reads the chart model of the render stage, but needs no helm.
        const bool model = render || id == "helm-values-schema";
        if (render && testing::TestHelm().empty()) {
          WARN(id << " fixtures skipped: no helm (run tools/install-helm.sh)");
          continue;
        }
        const RunResult result = model ? testing::CheckRendered({fixture.generic_string()})
                                        : testing::Check({fixture.generic_string()});
        std::set<Expectation> actual;
        std::set<Expectation> actual_lines;
        std::string listing;
        for (const Finding& f : result.findings) {
          if (f.rule != id) continue;
          actual.insert({f.file, f.line, f.column});
          actual_lines.insert({f.file, f.line, 0});
          listing += fmt::format("  {}:{}:{}: {}\n", f.file, f.line, f.column, f.message);
        }
        INFO("findings of " << id << ":\n" << listing);
        if (kind == "fires") {
          REQUIRE_FALSE(expected.empty());
        } else {
          REQUIRE(expected.empty());
        }
        // Each expectation matches one finding on its line (and column, when pinned) ...
        for (const Expectation& e : expected) {
          INFO("expected at " << e.file << ":" << e.line << (e.column ? ":" + std::to_string(e.column) : ""));
          CHECK((e.column ? actual.count(e) == 1 : actual_lines.count(e) == 1));
        }
        // ... and every finding was expected.
        for (const Expectation& a : actual) {
          INFO("unexpected finding at " << a.file << ":" << a.line << ":" << a.column);
          CHECK((expected.count({a.file, a.line, 0}) + expected.count(a)) >= 1);
        }
        CHECK(result.errors.empty());
      }
    }
  }
}

}  // namespace syncgate
