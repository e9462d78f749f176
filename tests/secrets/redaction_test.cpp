// No output format ever shows a secret in full. The secrets are the ones the scanner itself
// finds in the secret fixtures, the labelled set and the examples (and, for Secret data, the
// base64 text they were decoded from); every format in reporters::ReportFormats() runs over
// them through the binary, and stdout and stderr are searched.
#include <catch2/catch.hpp>
#include <set>

#include "checker/finding.h"
#include "checker/text_util.h"
#include "reporters/reporter.h"
#include "rules/secret/secret_sources.h"
#include "tests/test_util.h"

namespace syncgate {
namespace {

const std::vector<std::string> kInputs = {"tests/rules/secret-vault-unseal-key",
                                          "tests/rules/secret-vault-token",
                                          "tests/rules/secret-private-key",
                                          "tests/rules/secret-token",
                                          "tests/rules/secret-password-value",
                                          "tests/rules/secret-k8s-plaintext",
                                          "tests/secrets/labelled",
                                          "examples"};

/// Every secret the scanner finds in `inputs`, in every form it has in the files.
std::set<std::string> KnownSecrets(const RunResult& result) {
  std::set<std::string> out;
  auto add = [&](const secrets::SecretHit& hit, const SourceFile& source) {
    out.insert(hit.secret);
    if (hit.decoded) {
      // The base64 text in the file is the secret too, only encoded.
      std::string_view rest =
          source.Line(hit.at.line).substr(static_cast<size_t>(hit.at.column - 1));
      if (!rest.empty() && (rest.front() == '"' || rest.front() == '\'')) rest.remove_prefix(1);
      out.insert(std::string(rest.substr(0, rest.find_first_of(" \"'#"))));
    }
  };
  for (const auto& file : result.workspace->files()) {
    for (const auto& hit : secrets::SecretsInTextFile(*file)) add(hit, *file->source);
    for (const auto& doc : file->documents) {
      for (const auto& hit : secrets::SecretsInDocument(*doc)) add(hit, *file->source);
    }
  }
  // Short values ("admin") also occur as ordinary words; they are covered by the unit tests
  // of Redact. Everything else must never appear.
  std::erase_if(out, [](const std::string& s) { return s.size() < 8; });
  return out;
}

}  // namespace

TEST_CASE("no output format prints a secret in full", "[secrets][redaction]") {
  std::string paths;
  for (const std::string& input : kInputs) paths += " " + input;
  const RunResult result = testing::Check(kInputs);
  const std::set<std::string> known = KnownSecrets(result);
  // The fixtures hold dozens of secrets; finding few means the scan itself is broken.
  REQUIRE(known.size() >= 40);
  // Each secret is long enough that 4 characters cannot give it away, and the redacted form
  // is what a reader sees.
  CHECK(Redact("hvs.nQKDvTCalx5XGJvDQe2J2phC") == "hvs.…[redacted]");

  for (const auto& format : reporters::ReportFormats()) {
    DYNAMIC_SECTION("format " << format.name) {
      const auto run = testing::RunSyncgate("check --no-require-render --fail-on never" + paths +
                                                " --format " + std::string(format.name),
                                            "", testing::SourceDir().string());
      INFO("exit code " << run.exit_code << ", stderr: " << run.err.substr(0, 400));
      REQUIRE(run.exit_code == 0);
      REQUIRE(run.out.size() > 100);
      for (const std::string& secret : known) {
        INFO("secret " << Redact(secret) << " of length " << secret.size());
        CHECK(run.out.find(secret) == std::string::npos);
        CHECK(run.err.find(secret) == std::string::npos);
      }
    }
  }
}

}  // namespace syncgate
