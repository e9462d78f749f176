// Precision of the rules on real renders, against the labels of tests/rules/real/labels.tsv: a
// sample of up to 20 findings per rule (every rule but secret-* and schema-*, which have labels
// and tests of their own), each judged true or false by hand with a one-line reason, on the
// rendered charts of ../shared/data (rendered/, corpus/ rendered by syncgate with the real helm)
// and the bitnami renders of archives/rendered-more.tar.xz.
//
// Each labelled finding is matched by rule, path, line and column among the findings at warning
// or error of the same run; one that no longer appears (a false one fixed, or moved to info)
// counts as gone. Every rule with labelled findings found must keep precision (true / labelled
// found) at 0.9 or above. bench/rules_precision.py prints the same table from the binary.
//
// The labels file (the format tests/secrets/real/labels.tsv shares): a header line, then
//   rule <TAB> path <TAB> line <TAB> column <TAB> true|false <TAB> reason
// with path relative to ../shared/data ("rendered/argo-helm/argo-cd.yaml") or
// "archive:rendered-more/<path in the archive>".
#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "checker/text_util.h"
#include "rules/registry.h"
#include "tests/test_util.h"

namespace syncgate {
namespace {
namespace fs = std::filesystem;

struct Label {
  std::string rule;
  std::string path;
  int line = 0;
  int column = 0;
  bool verdict = false;
  std::string reason;
};

using Key = std::tuple<std::string, std::string, int, int>;  // rule, path, line, column

/// The rules whose labels live elsewhere (tests/secrets/real, validation/).
bool OwnedElsewhere(std::string_view rule) {
  return StartsWith(rule, "secret-") || StartsWith(rule, "schema-");
}

/// Reads labels.tsv; a malformed line is a test failure naming it.
std::vector<Label> ReadLabels(const fs::path& file) {
  std::ifstream in(file);
  REQUIRE(in.good());
  std::set<std::string> known;
  for (const auto& rule : MakeBuiltinRules()) known.emplace(rule->meta().id);
  std::vector<Label> labels;
  std::set<Key> seen;
  std::string text;
  int number = 0;
  while (std::getline(in, text)) {
    ++number;
    const std::vector<std::string_view> fields = Split(text, '\t');
    INFO(file.generic_string() << ":" << number << ": " << text);
    if (number == 1) {
      CHECK(text == "rule\tpath\tline\tcolumn\tverdict\treason");
      continue;
    }
    REQUIRE(fields.size() == 6);
    Label label{std::string(fields[0]), std::string(fields[1]), 0, 0,
                fields[4] == "true",    std::string(fields[5])};
    label.line = std::atoi(std::string(fields[2]).c_str());
    label.column = std::atoi(std::string(fields[3]).c_str());
    CHECK(known.count(label.rule) == 1);
    CHECK_FALSE(OwnedElsewhere(label.rule));
    CHECK((fields[4] == "true" || fields[4] == "false"));
    CHECK(label.line > 0);
    CHECK(label.column > 0);
    CHECK_FALSE(Trim(label.reason).empty());
    CHECK((StartsWith(label.path, "rendered/") || StartsWith(label.path, "corpus/") ||
           StartsWith(label.path, "archive:rendered-more/")));
    CHECK(seen.insert({label.rule, label.path, label.line, label.column}).second);
    labels.push_back(std::move(label));
  }
  return labels;
}

/// Runs every rule over `input` as `syncgate check --offline` does (charts rendered by the real
/// helm, nothing from the network, an empty cache), and adds the findings at warning or error
/// to `found`, their paths written as the labels write them: `input` replaced by `prefix`.
void Collect(const std::string& input, const std::string& prefix, const std::string& helm,
             std::set<Key>& found) {
  testing::TempDir cache;
  RunRequest request;
  request.jobs = 2;
  request.settings.helm_binary = helm;
  request.settings.kustomize_binary = testing::TestKustomize();
  request.settings.offline = true;
  request.settings.cache_dir = cache.path().string();
  request.settings.render_cache = false;
  const RunResult result = testing::CheckWith(std::move(request), {input});
  CHECK(result.errors.empty());
  for (const Finding& f : result.findings) {
    if (f.severity == Severity::kInfo || OwnedElsewhere(f.rule)) continue;
    if (!StartsWith(f.file, input + "/")) continue;  // a file of no input: not labelled
    found.emplace(f.rule, prefix + f.file.substr(input.size() + 1), f.line, f.column);
  }
}

}  // namespace

TEST_CASE("every rule keeps precision 0.9 on the labelled real renders", "[rules][corpus]") {
  const std::vector<Label> labels =
      ReadLabels(testing::SourceDir() / "tests" / "rules" / "real" / "labels.tsv");
  REQUIRE_FALSE(labels.empty());
  const fs::path data = testing::SharedData();
  if (data.empty()) {
    WARN("../shared/data is absent: real-render precision skipped");
    return;
  }
  const fs::path archive = data / "archives" / "rendered-more.tar.xz";
  if (!fs::exists(archive)) {
    WARN(archive.generic_string() << " is absent: real-render precision skipped");
    return;
  }
  REQUIRE_HELM(helm);
  testing::TempDir unpacked;
  const testing::CommandOutput tar = testing::RunShell(
      fmt::format("tar -xJf '{}' -C '{}'", archive.string(), unpacked.path().string()));
  INFO(tar.err);
  REQUIRE(tar.exit_code == 0);

  std::set<Key> found;
  Collect((data / "rendered").generic_string(), "rendered/", helm, found);
  Collect((data / "corpus").generic_string(), "corpus/", helm, found);
  Collect(unpacked.path().generic_string(), "archive:rendered-more/", helm, found);

  struct Counts {
    int true_found = 0, false_found = 0, gone = 0;
  };
  std::map<std::string, Counts> per_rule;
  for (const Label& label : labels) {
    Counts& counts = per_rule[label.rule];
    if (!found.count({label.rule, label.path, label.line, label.column})) {
      ++counts.gone;
    } else {
      (label.verdict ? counts.true_found : counts.false_found)++;
    }
  }
  std::string table =
      fmt::format("{:36} {:>5} {:>5} {:>5} {:>9}\n", "rule", "true", "false", "gone", "precision");
  for (const auto& [rule, c] : per_rule) {
    const int labelled_found = c.true_found + c.false_found;
    table += fmt::format("{:36} {:5} {:5} {:5} {:>9}\n", rule, c.true_found, c.false_found, c.gone,
                         labelled_found ? fmt::format("{:.2f}", 1.0 * c.true_found / labelled_found)
                                        : std::string("-"));
  }
  WARN("precision on the labelled real renders (tests/rules/real/labels.tsv):\n" << table);
  for (const auto& [rule, c] : per_rule) {
    const int labelled_found = c.true_found + c.false_found;
    if (labelled_found == 0) continue;
    INFO(rule << ": " << c.true_found << " true of " << labelled_found
              << " labelled findings still reported");
    CHECK(c.true_found >= 0.9 * labelled_found);
  }
  // The labels must still describe this data: most labelled findings are still reported (a
  // run that finds nothing would pass every precision check above).
  int still = 0;
  for (const auto& [rule, c] : per_rule) still += c.true_found + c.false_found;
  CHECK(still * 2 >= static_cast<int>(labels.size()));
}

}  // namespace syncgate
