// Precision and recall on the labelled set (tests/secrets/labelled): `# label: <rule-id>`
// marks a real secret on its line; any other secret-* finding there is a false positive.
// bench/secrets_precision.py prints the same figures per rule.
#include <catch2/catch.hpp>
#include <fstream>
#include <regex>
#include <set>
#include <tuple>

#include "tests/test_util.h"

namespace syncgate {
namespace {
namespace fs = std::filesystem;

using Item = std::tuple<std::string, std::string, int>;  // rule, file, line

std::set<Item> Labels(const fs::path& root) {
  std::set<Item> out;
  const std::regex label(R"(# label(?:\+(\d+))?: ([a-z0-9-]+))");
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path());
    std::string line;
    for (int number = 1; std::getline(in, line); ++number) {
      for (std::sregex_iterator m(line.begin(), line.end(), label), end; m != end; ++m) {
        const int offset = (*m)[1].matched ? std::stoi((*m)[1].str()) : 0;
        out.insert({(*m)[2].str(), entry.path().generic_string(), number + offset});
      }
    }
  }
  return out;
}

}  // namespace

TEST_CASE("precision and recall on the labelled set", "[secrets][labelled]") {
  const fs::path root = "tests/secrets/labelled";
  const std::set<Item> expected = Labels(root);
  REQUIRE(expected.size() >= 40);
  const RunResult result = testing::Check({root.generic_string()});
  REQUIRE(result.errors.empty());
  std::set<Item> actual;
  for (const Finding& f : result.findings) {
    if (f.rule.rfind("secret-", 0) == 0) actual.insert({f.rule, f.file, f.line});
  }
  int tp = 0;
  std::string misses;
  std::string false_positives;
  for (const Item& e : expected) {
    if (actual.count(e)) {
      ++tp;
    } else {
      misses +=
          std::get<0>(e) + " at " + std::get<1>(e) + ":" + std::to_string(std::get<2>(e)) + "\n";
    }
  }
  for (const Item& a : actual) {
    if (!expected.count(a)) {
      false_positives +=
          std::get<0>(a) + " at " + std::get<1>(a) + ":" + std::to_string(std::get<2>(a)) + "\n";
    }
  }
  const double precision = actual.empty() ? 0 : static_cast<double>(tp) / actual.size();
  const double recall = static_cast<double>(tp) / expected.size();
  INFO("precision " << precision << ", recall " << recall << "\nmissed:\n"
                    << misses << "false positives:\n"
                    << false_positives);
  CHECK(precision >= 0.95);
  CHECK(recall >= 0.95);
}

}  // namespace syncgate
