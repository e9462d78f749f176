// End to end through the binary: the guide's secrets in examples/, the baseline round trip and
// the allowlist.
#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "checker/finding.h"
#include "tests/test_util.h"

namespace syncgate {
namespace {
namespace fs = std::filesystem;
using testing::ReadText;
using testing::RunSyncgate;

struct Found {
  std::string rule;
  std::string file;
  int line;
  int column;
  auto operator<=>(const Found&) const = default;
};

std::set<Found> Findings(const std::string& json_text, std::string_view rule_prefix = "secret-") {
  std::set<Found> out;
  const auto json = nlohmann::json::parse(json_text);
  for (const auto& f : json["findings"]) {
    const std::string rule = f["rule"];
    if (rule.rfind(rule_prefix, 0) != 0) continue;
    out.insert({rule, f["file"], f["line"], f["column"]});
  }
  return out;
}

}  // namespace

TEST_CASE("check examples/ reports the guide's unseal keys and root token at their place",
          "[secrets][e2e]") {
  const auto run = RunSyncgate("check --no-require-render examples/ --format json", "",
                               testing::SourceDir().string());
  REQUIRE(run.exit_code == 1);
  const std::set<Found> found = Findings(run.out);
  const std::string app = "examples/q-kms/argocd/q-kms-application.yaml";
  // Lines and columns of the values in the file (the opening quote, as in the JSON contract).
  for (const Found& expected :
       {Found{"secret-vault-unseal-key", app, 26, 19},
        Found{"secret-vault-unseal-key", app, 27, 19},
        Found{"secret-vault-unseal-key", app, 28, 19}, Found{"secret-vault-token", app, 29, 22}}) {
    INFO(expected.rule << " at " << expected.line << ":" << expected.column);
    CHECK(found.count(expected) == 1);
  }
  CHECK(found.count({"secret-k8s-plaintext",
                     "examples/q-sign/helm/keycloak-pqc/templates/secret.yaml", 3, 7}) == 1);
  // Nothing printed in full: the guide's values never appear in any output.
  for (const char* secret :
       {"ZGHLJns5x2hKpvMTWEP1b7XXEoC8vJPZlF+HafVWi+dC",
        "xOnAwPR/VCo95IY71to8X2OOwfcPQ0z0Ga95XAaKqVj8",
        "tppyUv85Ahfea7MoS9jxF4ODjiMu44cAL/ncLoYbBIfZ", "hvs.nQKDvTCalx5XGJvDQe2J2phC"}) {
    INFO(Redact(secret));
    CHECK(run.out.find(secret) == std::string::npos);
    CHECK(run.err.find(secret) == std::string::npos);
  }
  // The message says where the secret ends up.
  CHECK(run.out.find("stored in the Application object, readable by anyone who can read "
                     "Applications in ArgoCD and the repository") != std::string::npos);
}

TEST_CASE("a baseline hides known findings, survives edits elsewhere, and holds no secret",
          "[secrets][baseline]") {
  testing::TempDir dir;
  const std::string secret = "8aZ8JKTmId9GDJNWhgV3VH";
  const std::string values = "db:\n  host: db.example.com\n  password: " + secret + "\n";
  testing::WriteFile(dir / "repo/values.yaml", values);
  const std::string cwd = dir.path().string();

  auto first = RunSyncgate("check repo --format json --write-baseline base.json", "", cwd);
  REQUIRE(first.exit_code == 1);
  REQUIRE(Findings(first.out).size() == 1);
  const std::string baseline = ReadText(dir / "base.json");
  CHECK(baseline.find("secret-password-value") != std::string::npos);
  CHECK(baseline.find(secret) == std::string::npos);

  auto again = RunSyncgate("check repo --format json --baseline base.json", "", cwd);
  CHECK(again.exit_code == 0);
  CHECK(Findings(again.out).empty());
  CHECK(again.err.find("1 finding in the baseline") != std::string::npos);

  // Lines added above move the finding; the baseline still holds it.
  testing::WriteFile(dir / "repo/values.yaml", "# Database\nreplicas: 2\n" + values);
  auto moved = RunSyncgate("check repo --format json --baseline base.json", "", cwd);
  CHECK(moved.exit_code == 0);
  CHECK(Findings(moved.out).empty());

  // A different secret at the same place is a new finding.
  testing::WriteFile(dir / "repo/values.yaml",
                     "db:\n  host: db.example.com\n  password: Zq4Lm8Tx2Rv7Kp9Wc3Bn\n");
  auto changed = RunSyncgate("check repo --format json --baseline base.json", "", cwd);
  CHECK(changed.exit_code == 1);
  CHECK(Findings(changed.out).size() == 1);

  // A file that is not a baseline is an error, not an empty baseline.
  testing::WriteFile(dir / "bad.json", "{\"findings\": 3}");
  auto bad = RunSyncgate("check repo --baseline bad.json", "", cwd);
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.find("bad.json: not a syncgate baseline") != std::string::npos);
}

TEST_CASE("the secrets allowlist: paths, value regexes, fingerprints, and bad regexes",
          "[secrets][allowlist]") {
  testing::TempDir dir;
  const std::string cwd = dir.path().string();
  testing::WriteFile(dir / "repo/values.yaml",
                     "a:\n  password: Zq4Lm8Tx2Rv7Kp9Wc3Bn\nb:\n  password: devonly-Xq7pR2zLm4\n");
  testing::WriteFile(dir / "repo/test/values.yaml", "c:\n  password: Hq8Zr2mVx7Lp4TnB\n");
  testing::WriteFile(
      dir / "repo/.syncgate.yaml",
      "secrets:\n  allowlist:\n    paths: [\"test/**\"]\n    values: [\"^devonly-\"]\n");
  auto run = RunSyncgate("check repo --format json", "", cwd);
  REQUIRE(run.exit_code == 1);
  auto found = Findings(run.out);
  REQUIRE(found.size() == 1);
  CHECK(found.begin()->file == "repo/values.yaml");
  CHECK(found.begin()->line == 2);

  // The remaining finding's fingerprint, from a baseline file, allowlists it too.
  REQUIRE(RunSyncgate("check repo --write-baseline base.json", "", cwd).exit_code == 1);
  const auto baseline = nlohmann::json::parse(ReadText(dir / "base.json"));
  std::string fingerprint;
  for (const auto& f : baseline["findings"]) {
    if (f["rule"] == "secret-password-value") fingerprint = f["fingerprint"];
  }
  REQUIRE_FALSE(fingerprint.empty());
  testing::WriteFile(
      dir / "repo/.syncgate.yaml",
      "secrets:\n  allowlist:\n    paths: [\"test/**\"]\n    values: [\"^devonly-\"]\n"
      "    fingerprints: [\"" +
          fingerprint + "\"]\n");
  run = RunSyncgate("check repo --format json", "", cwd);
  CHECK(run.exit_code == 0);
  CHECK(Findings(run.out).empty());

  testing::WriteFile(dir / "repo/.syncgate.yaml",
                     "secrets:\n  allowlist:\n    values:\n      - \"(unclosed\"\n");
  run = RunSyncgate("check repo", "", cwd);
  CHECK(run.exit_code == 2);
  CHECK(run.err.find("repo/.syncgate.yaml:4:9: secrets.allowlist.values[0]: invalid regular "
                     "expression") != std::string::npos);
}

}  // namespace syncgate
