// Precision of the secret-* rules on real sources nobody here wrote, against the hand labels of
// tests/secrets/real/labels.tsv (see its README for what true and false mean).
//
// Every secret-* finding on the inputs (../shared/data: corpus/, rendered/, secrets-upstream/,
// gitops-repos/, and archives/corpus-more.tar.xz unpacked) is matched to its label by rule,
// path, line and column. A finding without a label fails the test: new findings must be judged
// before they count. Each rule must keep precision (true / found) at 0.95 or above, and the true
// labels must mostly stay found (lost ones are listed). bench/secrets_precision.py prints the
// same table from the binary. Output names files and positions only, never a value.
#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <iostream>
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

using Key = std::tuple<std::string, std::string, int, int>;  // rule, path, line, column

struct Label {
  bool verdict = false;
  std::string reason;
};

/// Reads labels.tsv; a malformed line is a test failure naming it.
std::map<Key, Label> ReadLabels(const fs::path& file) {
  std::ifstream in(file);
  REQUIRE(in.good());
  std::set<std::string> known;
  for (const auto& rule : MakeBuiltinRules()) known.emplace(rule->meta().id);
  std::map<Key, Label> labels;
  std::string text;
  for (int number = 1; std::getline(in, text); ++number) {
    INFO(file.generic_string() << ":" << number);
    if (number == 1) {
      CHECK(text == "rule\tpath\tline\tcolumn\tverdict\treason");
      continue;
    }
    const std::vector<std::string_view> fields = Split(text, '\t');
    REQUIRE(fields.size() == 6);
    const Key key{std::string(fields[0]), std::string(fields[1]),
                  std::atoi(std::string(fields[2]).c_str()),
                  std::atoi(std::string(fields[3]).c_str())};
    CHECK(StartsWith(fields[0], "secret-"));
    CHECK(known.count(std::get<0>(key)) == 1);
    CHECK((fields[4] == "true" || fields[4] == "false"));
    CHECK(std::get<2>(key) > 0);
    CHECK(std::get<3>(key) > 0);
    CHECK_FALSE(Trim(fields[5]).empty());
    CHECK(labels.emplace(key, Label{fields[4] == "true", std::string(fields[5])}).second);
  }
  return labels;
}

/// The secret-* findings of a check of `input` (any severity: an info is a finding too), with
/// their paths written as the labels write them: `input` replaced by `prefix`.
void Collect(const fs::path& input, const std::string& prefix, std::map<Key, std::string>& found) {
  const std::string root = input.generic_string();
  const RunResult result = testing::Check({root}, "", 2);
  CHECK(result.errors.empty());
  for (const Finding& f : result.findings) {
    if (!StartsWith(f.rule, "secret-") || !StartsWith(f.file, root + "/")) continue;
    found.emplace(Key{f.rule, prefix + f.file.substr(root.size() + 1), f.line, f.column},
                  std::string(SeverityName(f.severity)));
  }
}

std::string Describe(const Key& key) {
  return fmt::format("{}\t{}\t{}\t{}", std::get<0>(key), std::get<1>(key), std::get<2>(key),
                     std::get<3>(key));
}

}  // namespace

TEST_CASE("secret findings on real sources are labelled and precise", "[secrets][corpus]") {
  const std::map<Key, Label> labels =
      ReadLabels(testing::SourceDir() / "tests" / "secrets" / "real" / "labels.tsv");
  REQUIRE(labels.size() >= 200);
  const fs::path data = testing::SharedData();
  if (data.empty()) {
    WARN("../shared/data is absent: real-source secret precision skipped");
    return;
  }
  std::map<Key, std::string> found;  // → severity
  for (const char* folder : {"corpus", "rendered", "secrets-upstream", "gitops-repos"}) {
    Collect(data / folder, std::string(folder) + "/", found);
  }
  const fs::path archive = data / "archives" / "corpus-more.tar.xz";
  testing::TempDir unpacked;
  fs::create_directories(unpacked / "corpus-more");
  const testing::CommandOutput tar = testing::RunShell(
      fmt::format("tar -xJf '{}' -C '{}'", archive.string(), (unpacked / "corpus-more").string()));
  if (tar.exit_code == 0) {
    Collect(unpacked / "corpus-more", "archive:corpus-more/", found);
  } else {
    WARN("corpus-more.tar.xz not unpacked (" << tar.err << "): its labels are not checked");
  }

  struct Counts {
    int true_found = 0, false_found = 0, true_lost = 0;
  };
  std::map<std::string, Counts> per_rule;
  std::string unlabelled;
  std::string lost;
  for (const auto& [key, severity] : found) {
    const auto label = labels.find(key);
    if (label == labels.end()) {
      unlabelled += Describe(key) + "\t(" + severity + ")\n";
      continue;
    }
    (label->second.verdict ? per_rule[std::get<0>(key)].true_found
                           : per_rule[std::get<0>(key)].false_found)++;
  }
  // A true label is kept when its line still has a finding of the rule (a fix may move the
  // column: an htpasswd line now reports its hash, not the whole value).
  std::set<std::tuple<std::string, std::string, int>> found_lines;
  for (const auto& [key, severity] : found) {
    found_lines.emplace(std::get<0>(key), std::get<1>(key), std::get<2>(key));
  }
  for (const auto& [key, label] : labels) {
    const bool archived = StartsWith(std::get<1>(key), "archive:");
    const bool kept = found_lines.count({std::get<0>(key), std::get<1>(key), std::get<2>(key)});
    if (!label.verdict || kept || (archived && tar.exit_code != 0)) continue;
    ++per_rule[std::get<0>(key)].true_lost;
    lost += Describe(key) + "\t" + label.reason + "\n";
  }

  std::string table = fmt::format("{:<26} {:>5} {:>5} {:>10} {:>5} {:>7}\n", "rule", "true",
                                  "false", "precision", "lost", "kept");
  int all_true = 0;
  int all_lost = 0;
  for (const auto& [rule, counts] : per_rule) {
    const int reported = counts.true_found + counts.false_found;
    const double precision = reported == 0 ? 1.0 : double(counts.true_found) / reported;
    const int labelled_true = counts.true_found + counts.true_lost;
    const double kept = labelled_true == 0 ? 1.0 : double(counts.true_found) / labelled_true;
    table += fmt::format("{:<26} {:>5} {:>5} {:>10.3f} {:>5} {:>7.3f}\n", rule, counts.true_found,
                         counts.false_found, precision, counts.true_lost, kept);
    all_true += counts.true_found;
    all_lost += counts.true_lost;
    INFO(rule << ": precision " << precision << " (" << counts.false_found << " false of "
              << reported << ")");
    CHECK(precision >= 0.95);
  }
  std::cout << "secret-* precision on real sources (tests/secrets/real/labels.tsv):\n" << table;
  INFO("findings without a label (judge them in tests/secrets/real/labels.tsv):\n" << unlabelled);
  CHECK(unlabelled.empty());
  // A true label no longer found is a credential no longer reported: a few are deliberate (weak
  // values in test fixtures), many would be precision bought with recall.
  INFO("true labels no longer found:\n" << lost);
  CHECK(all_lost * 10 <= all_true + all_lost);
}

}  // namespace syncgate
