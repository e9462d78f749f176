// Secrets in every channel: what syncgate writes besides its reports (a renderer's error quoted
// in a finding, `cmp generate`'s stderr, the `sync --watch` log, gate records, the commit
// messages and trailers of the environment branch, the result cache, an exception's message)
// never holds a secret the run found. The secrets here are ones the scanner finds in the test's
// own files; each channel is first shown to carry the redacted form (so the test fails when the
// channel stops carrying the text at all), then searched for the secret.
#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "checker/redaction.h"
#include "rules/registry.h"
#include "sync/sync_engine.h"
#include "tests/support/git_repo.h"
#include "tests/test_util.h"

namespace syncgate {
namespace {
namespace fs = std::filesystem;
using testing::ReadText;
using testing::RunShell;
using testing::TempDir;
using testing::WriteFile;

// A password the scanner finds in values.yaml, and a GitLab token in a repository URL.
constexpr const char* kPassword = "Zx9kPq2vLw7Rt4mQ";
constexpr const char* kToken = "glpat-Ab3dEf5hIj7kLm9nOp1q";

/// Every file under `dir` that holds `needle`.
std::vector<std::string> FilesHolding(const fs::path& dir, const std::string& needle) {
  std::vector<std::string> out;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    if (it->is_regular_file() && ReadText(it->path()).find(needle) != std::string::npos) {
      out.push_back(it->path().string());
    }
  }
  return out;
}

/// A chart whose render fails with an error quoting the password from its values (helm's
/// `fail` prints what the template gives it, as a misused `required` or `printf` would).
void WriteFailingChart(const fs::path& chart) {
  WriteFile(chart / "Chart.yaml", "apiVersion: v2\nname: web\nversion: 1.0.0\n");
  WriteFile(chart / "values.yaml",
            fmt::format("adminPassword: \"{}\"\nfailWith: true\n", kPassword));
  WriteFile(chart / "templates/cm.yaml",
            "{{- if .Values.failWith }}{{ fail (printf \"rejected %s\" .Values.adminPassword) }}"
            "{{- end }}\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\n");
}

TEST_CASE("no channel carries a secret: renderer errors, reports, the result cache",
          "[secrets][redaction][helm]") {
  REQUIRE_HELM(helm);
  TempDir dir;
  WriteFile(dir / "tree/.syncgate.yaml", "{}\n");
  WriteFailingChart(dir / "tree/web");
  const std::string redacted = Redact(kPassword);
  const std::string command = fmt::format(
      "check '{}' --helm '{}' --cache-dir '{}' --no-require-render --fail-on never "
      "--offline --format json",
      (dir / "tree").string(), helm, (dir / "cache").string());
  for (const char* run : {"cold", "warm"}) {
    INFO(run << " run");
    const testing::CommandOutput out = testing::RunSyncgate(command);
    REQUIRE(out.exit_code == 0);
    // helm's message reached the report, with the password scrubbed out of it.
    CHECK(out.out.find("helm-render-failed") != std::string::npos);
    CHECK(out.out.find("rejected " + redacted) != std::string::npos);
    CHECK(out.out.find(kPassword) == std::string::npos);
    CHECK(out.err.find(kPassword) == std::string::npos);
  }
  CHECK(FilesHolding(dir / "cache", kPassword).empty());

  // cmp generate inside ArgoCD: the render fails, stderr says why without the password.
  const testing::CommandOutput cmp = RunShell(fmt::format(
      "cd '{}' && ARGOCD_APP_NAME=web ARGOCD_APP_NAMESPACE=web ARGOCD_APP_SOURCE_PATH=web "
      "SYNCGATE_HELM='{}' '{}' cmp generate",
      (dir / "tree/web").string(), helm, SYNCGATE_BINARY));
  CHECK(cmp.exit_code != 0);
  CHECK(cmp.out.empty());
  CHECK(cmp.err.find("rejected " + redacted) != std::string::npos);
  CHECK(cmp.err.find(kPassword) == std::string::npos);
}

/// A source repository holding a chart, an Application pointing at it through a URL with a
/// token in it, and a bare target repository.
struct SyncFixture {
  TempDir dir;
  fs::path source = dir / "source";
  fs::path target = dir / "target.git";
  std::string url = fmt::format("https://oauth2:{}@git.example.com/platform/web.git", kToken);

  explicit SyncFixture(bool failing_render) {
    fs::create_directories(source);
    WriteFailingChart(source / "web");
    if (!failing_render) {
      WriteFile(source / "web/values.yaml",
                fmt::format("adminPassword: \"{}\"\nfailWith: false\n", kPassword));
    }
    testing::InitAndCommitAll(source);
    testing::InitBare(target);
    WriteFile(dir / "apps/web.yaml",
              fmt::format("apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n"
                          "  name: web\n  namespace: argocd\nspec:\n  project: web\n  source:\n"
                          "    repoURL: {}\n    targetRevision: main\n    path: web\n"
                          "  destination:\n    server: https://kubernetes.default.svc\n"
                          "    namespace: web\n",
                          url));
  }
  std::string Args(const std::string& helm) const {
    return fmt::format(
        "sync '{}' --target '{}' --repo-map '{}={}' --cache-dir '{}' --state-dir '{}' "
        "--helm '{}' --fail-on never",
        (dir / "apps").string(), target.string(), url, source.string(), (dir / "cache").string(),
        (dir / "state").string(), helm);
  }
};

TEST_CASE("no channel carries a secret: gate records, commit messages, the --watch log",
          "[secrets][redaction][sync][helm]") {
  REQUIRE_HELM(helm);
  SECTION("a render that fails quoting the password") {
    SyncFixture f(true);
    const testing::CommandOutput out = testing::RunSyncgate(f.Args(helm));
    CHECK(out.exit_code == 2);
    CHECK((out.out + out.err).find("rejected " + Redact(kPassword)) != std::string::npos);
    CHECK((out.out + out.err).find(kPassword) == std::string::npos);
    CHECK((out.out + out.err).find(kToken) == std::string::npos);
    // The gate record says why, scrubbed.
    const std::string record = ReadText(f.dir / "state/web/last.json");
    CHECK(record.find("rejected " + Redact(kPassword)) != std::string::npos);
    CHECK(FilesHolding(f.dir / "state", kPassword).empty());
    CHECK(FilesHolding(f.dir / "state", kToken).empty());
  }
  SECTION("a publish, and the same sync under --watch") {
    SyncFixture f(false);
    const testing::CommandOutput out = testing::RunSyncgate(f.Args(helm));
    INFO(out.err);
    REQUIRE(out.exit_code == 0);
    CHECK(out.out.find("published") != std::string::npos);
    const std::string message =
        RunShell(fmt::format("git -C '{}' log -1 --format=%B env/default/web", f.target.string()))
            .out;
    CHECK(message.find("Syncgate-Source-Repo: https://git.example.com/platform/web.git") !=
          std::string::npos);
    CHECK(message.find(kToken) == std::string::npos);
    CHECK(message.find(kPassword) == std::string::npos);
    CHECK(FilesHolding(f.dir / "state", kToken).empty());
    // --watch polls until stopped; every poll's log line goes through the same scrubbing.
    const testing::CommandOutput watch = RunShell(fmt::format(
        "timeout -s TERM 4 '{}' {} --watch --interval 1s", SYNCGATE_BINARY, f.Args(helm)));
    CHECK(watch.err.find("watch stopped") != std::string::npos);
    CHECK((watch.out + watch.err).find("web:") != std::string::npos);
    CHECK((watch.out + watch.err).find(kToken) == std::string::npos);
    CHECK((watch.out + watch.err).find(kPassword) == std::string::npos);
  }
}

/// A rule that crashes with the value it was looking at in its message, as a careless
/// exception from a library might.
class QuotingThrowRule : public Rule {
 public:
  const RuleMeta& meta() const override {
    static constexpr RuleMeta kMeta{"test-quoting-throw", "test", "test", "test", Severity::kError,
                                    DocKind::kManifest};
    return kMeta;
  }
  void CheckDocument(const Document& doc, RuleContext&) const override {
    if (const Node* value = doc.Find("/data/password")) {
      throw std::runtime_error("cannot judge '" + value->value + "'");
    }
  }
};

TEST_CASE("no channel carries a secret: a crashing rule's message in the gate record",
          "[secrets][redaction][sync]") {
  TempDir dir;
  const fs::path source = dir / "source";
  WriteFile(source / "manifests/cm.yaml",
            fmt::format("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\n  namespace: "
                        "web\ndata:\n  password: \"{}\"\n",
                        kPassword));
  testing::InitAndCommitAll(source);
  testing::InitBare(dir / "target.git");
  const std::string url = "https://git.example.com/platform/web.git";
  WriteFile(dir / "apps/web.yaml",
            fmt::format("apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n"
                        "  name: web\n  namespace: argocd\nspec:\n  project: web\n  source:\n"
                        "    repoURL: {}\n    targetRevision: main\n    path: manifests\n"
                        "  destination:\n    server: https://kubernetes.default.svc\n"
                        "    namespace: web\n",
                        url));
  sync::SyncOptions options;
  options.target = (dir / "target.git").string();
  options.repo_map[url] = source.string();
  options.cache_dir = (dir / "cache").string();
  options.state_dir = (dir / "state").string();
  options.jobs = 1;
  options.sleep = [](std::chrono::milliseconds) {};
  options.make_rules = [] {
    RuleList rules = MakeBuiltinRules();
    rules.push_back(std::make_unique<QuotingThrowRule>());
    return rules;
  };
  const std::vector<sync::SyncOutcome> outcomes =
      sync::SyncApplications({(dir / "apps").string()}, options);
  REQUIRE(outcomes.size() == 1);
  CHECK(outcomes[0].published.empty());
  const std::string shown = sync::FormatOutcome(outcomes[0], true);
  const std::string record = ReadText(outcomes[0].record_path);
  // The crash is told (it is why nothing was published), without the value it quoted.
  CHECK(record.find("test-quoting-throw") != std::string::npos);
  CHECK(record.find("cannot judge '" + Redact(kPassword) + "'") != std::string::npos);
  CHECK(record.find(kPassword) == std::string::npos);
  CHECK(ScrubSecrets(shown).find(kPassword) == std::string::npos);
}

TEST_CASE("a secret that is also a checked file's path is not scrubbed out of that path",
          "[secrets][redaction]") {
  // The corpus's storageos example: apiPassword is base64 of "storageos", the name of the folder
  // and of every file in it. Scrubbing it turned each finding's path into "stor…[redacted]/…",
  // and only in the shard that found the password, so merged shards differed from a full run.
  TempDir dir;
  WriteFile(dir / "tree/storageos/storageos-secret.yaml",
            "apiVersion: v1\nkind: Secret\nmetadata:\n  name: storageos-secret\n"
            "type: \"kubernetes.io/storageos\"\ndata:\n  apiUsername: c3RvcmFnZW9z\n"
            "  apiPassword: c3RvcmFnZW9z\n");
  WriteFile(dir / "tree/storageos/storageos-pod.yaml",
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: test-storageos\nspec:\n"
            "  containers:\n    - name: master\n      image: nginx:1.27.0\n");
  WriteFile(dir / "tree/.syncgate.yaml", "{}\n");
  const testing::CommandOutput out = testing::RunSyncgate(fmt::format(
      "check '{}' --no-cache --offline --fail-on never --format text", (dir / "tree").string()));
  REQUIRE(out.exit_code == 0);
  INFO(out.out);
  // The Secret is still reported, and the pod's findings name its file as it is.
  CHECK(out.out.find("storageos/storageos-secret.yaml:") != std::string::npos);
  CHECK(out.out.find("[secret-k8s-plaintext]") != std::string::npos);
  CHECK(out.out.find("storageos/storageos-pod.yaml:") != std::string::npos);
  CHECK(out.out.find("[redacted]/") == std::string::npos);
}

TEST_CASE("ScrubSecrets: longest match, lines of a key, spans, URLs", "[secrets][redaction]") {
  ForgetSecretsForTesting();
  CHECK_FALSE(AnySecretRemembered());
  CHECK(ScrubSecrets("nothing remembered: Zx9kPq2vLw7Rt4mQ") ==
        "nothing remembered: Zx9kPq2vLw7Rt4mQ");
  RememberSecret("short");  // under kMinScrubbedSecret: an ordinary word, kept
  RememberSecret("Zx9kPq2vLw7Rt4mQ");
  RememberSecret("Zx9kPq2vLw7Rt4mQ-and-more");
  RememberSecret(
      "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEAu1SU1L\n"
      "-----END RSA PRIVATE KEY-----\n");
  CHECK(AnySecretRemembered());
  CHECK(ScrubSecrets("a short word") == "a short word");
  CHECK(ScrubSecrets("x=Zx9kPq2vLw7Rt4mQ-and-more;y=Zx9kPq2vLw7Rt4mQ") ==
        "x=" + Redact("Zx9kPq2vLw7Rt4mQ-and-more") + ";y=" + Redact("Zx9kPq2vLw7Rt4mQ"));
  // One line of the key, quoted alone (an excerpt, an error message), is scrubbed too; the
  // armour lines are not secret.
  CHECK(ScrubSecrets("line 2: MIIEpAIBAAKCAQEAu1SU1L") ==
        "line 2: " + Redact("MIIEpAIBAAKCAQEAu1SU1L"));
  CHECK(ScrubSecrets("-----END RSA PRIVATE KEY-----") == "-----END RSA PRIVATE KEY-----");
  const std::vector<SecretSpan> spans = SecretSpans("ab Zx9kPq2vLw7Rt4mQ cd");
  REQUIRE(spans.size() == 1);
  CHECK(spans[0].offset == 3);
  CHECK(spans[0].length == 16);
  ForgetSecretsForTesting();

  // Public text (the paths of checked files) is never scrubbed: a secret inside it is
  // forgotten, and one declared public first is not remembered.
  RememberSecret("Zx9kPq2vLw7Rt4mQ");
  RememberSecret("storageos");
  DeclarePublicText("volumes/storageos/storageos-pod.yaml");
  CHECK(ScrubSecrets("volumes/storageos/storageos-pod.yaml") ==
        "volumes/storageos/storageos-pod.yaml");
  CHECK(ScrubSecrets("Zx9kPq2vLw7Rt4mQ") == Redact("Zx9kPq2vLw7Rt4mQ"));
  DeclarePublicText("charts/orchestra1/values.yaml");
  RememberSecret("orchestra1");
  CHECK(ScrubSecrets("password orchestra1") == "password orchestra1");
  ForgetSecretsForTesting();

  CHECK(UrlWithoutCredentials("https://oauth2:glpat-x@gitlab.example/a/b.git?x=@y") ==
        "https://gitlab.example/a/b.git?x=@y");
  CHECK(UrlWithoutCredentials("http://token@host:8080/r") == "http://host:8080/r");
  CHECK(UrlWithoutCredentials("ssh://git@host/r.git") == "ssh://git@host/r.git");
  CHECK(UrlWithoutCredentials("git@github.com:org/r.git") == "git@github.com:org/r.git");
  CHECK(UrlWithoutCredentials("https://host/r") == "https://host/r");
}

}  // namespace
}  // namespace syncgate
