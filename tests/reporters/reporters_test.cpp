// Output formats: byte-for-byte snapshots of every format over one hand-made RunResult, what each
// format must guarantee (schema-valid SARIF with real lines, well-formed JUnit XML, unique GitLab
// fingerprints, escaped Markdown), secrets hidden everywhere, determinism, and one end-to-end run
// writing several formats at once.
//
// Rewrite the snapshots after an intended change: SYNCGATE_UPDATE_SNAPSHOTS=1 syncgate_tests
// "[reporters]", then review the diff of tests/reporters/snapshots/.

// As in validation/json_schema.cpp: every file that includes valijson sets this, or the test
// binary holds two versions of valijson's inline functions and may keep the one that aborts.
#define VALIJSON_USE_EXCEPTIONS 1

#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validator.hpp>

#include "reporters/reporter.h"
#include "tests/test_util.h"

namespace syncgate {
namespace {
namespace fs = std::filesystem;
using nlohmann::json;

// A fake secret (not a real token); no report may contain it, nor its tail.
const std::string kSecret = "hvs.CAESIFAKEfake0123456789FAKEfakeXYZ";
const std::string kSecretTail = kSecret.substr(4);

constexpr RuleMeta kRules[] = {
    {"argocd-default-project", "Application in the default project",
     "The default project allows every source and destination.", "Use a dedicated AppProject.",
     Severity::kWarning, DocKind::kApplication},
    {"internal-error", "A check crashed or could not run", "A failed rule is not a passed rule.",
     "Report it.", Severity::kError, DocKind::kNone},
    {"secret-vault-token", "Vault token in plain text", "A root token opens the whole Vault.",
     "Move it to a SealedSecret.", Severity::kError, DocKind::kNone},
    {"workload-image-mutable-tag", "Image with a mutable tag", "latest moves under you.",
     "Pin a digest.", Severity::kWarning, DocKind::kManifest},
    {"yaml-ambiguous-boolean", "YAML 1.1 boolean", "`on` is a string in YAML 1.2.", "Quote it.",
     Severity::kInfo, DocKind::kNone},
    {"yaml-duplicate-key", "Duplicate mapping key", "The last one wins silently.", "Remove one.",
     Severity::kError, DocKind::kNone},
};

const char* const kApplication =
    "apiVersion: argoproj.io/v1alpha1\n"
    "kind: Application\n"
    "metadata:\n"
    "  name: q-kms\n"
    "  namespace: argocd\n"
    "spec:\n"
    "  project: default\n"
    "  source:\n"
    "    helm:\n"
    "      values: |\n"
    "        vault:\n"
    "          rootToken: hvs.CAESIFAKEfake0123456789FAKEfakeXYZ\n"
    "  destination:\n"
    "    namespace: \"q|kms\"\n";

const char* const kValues =
    "# café: the greeting must stay unquoted\n"
    "greeting: héllo wörld\n"
    "enabled: on\n"
    "image:\n"
    "  tag: latest\n";

const char* const kDuplicates =
    "apiVersion: v1\n"
    "kind: ConfigMap\n"
    "metadata:\n"
    "  name: dup\n"
    "data:\n"
    "  a: \"1\"\n"
    "  a: \"2\"\n"
    "  a: \"3\"\n";

Finding MakeFinding(std::string rule, Severity severity, std::string file, int line, int column,
                    std::string message, std::string pointer, std::string fingerprint) {
  Finding f;
  f.rule = std::move(rule);
  f.severity = severity;
  f.file = std::move(file);
  f.line = line;
  f.column = column;
  f.message = std::move(message);
  f.pointer = std::move(pointer);
  f.fingerprint = std::move(fingerprint);
  return f;
}

int ColumnOf(const char* text, int line, std::string_view needle) {
  std::istringstream in(text);
  std::string current;
  for (int i = 0; i < line; ++i) std::getline(in, current);
  return static_cast<int>(current.find(needle)) + 1;
}

/// Several files, findings of every severity, a secret, objects, a rendered finding in a file
/// that was not loaded, a duplicated fingerprint, awkward characters, skipped files, errors.
RunResult SampleResult() {
  RunResult r;
  r.sources.emplace("apps/q-kms.yaml", SourceFile::FromText("apps/q-kms.yaml", kApplication));
  r.sources.emplace("charts/web/values.yaml",
                    SourceFile::FromText("charts/web/values.yaml", kValues));
  r.sources.emplace("manifests/dup.yaml", SourceFile::FromText("manifests/dup.yaml", kDuplicates));
  r.sources.emplace("manifests/clean.yaml",
                    SourceFile::FromText("manifests/clean.yaml", "apiVersion: v1\nkind: List\n"));
  const ObjectRef app{"argoproj.io/v1alpha1", "Application", "q-kms", "argocd"};
  const ObjectRef config_map{"v1", "ConfigMap", "dup", ""};

  Finding project = MakeFinding("argocd-default-project", Severity::kWarning, "apps/q-kms.yaml", 7,
                                12, "Application q-kms uses the \"default\" project",
                                "/spec/project", "1111aaaa2222bbbb");
  project.object = app;
  Finding secret = MakeFinding("secret-vault-token", Severity::kError, "apps/q-kms.yaml", 12,
                               ColumnOf(kApplication, 12, "hvs."),
                               "Vault token in plain text (" + Redact(kSecret) + ")",
                               "/spec/source/helm/values/vault/rootToken", "3333cccc4444dddd");
  secret.object = app;
  secret.redact_length = static_cast<int>(kSecret.size());
  Finding destination =
      MakeFinding("argocd-default-project", Severity::kWarning, "apps/q-kms.yaml", 14, 16,
                  "namespace \"q|kms\" is not a <DNS-1123> label & 'cannot' sync",
                  "/spec/destination/namespace", "5555eeee6666ffff");
  destination.object = app;
  Finding greeting = MakeFinding("yaml-ambiguous-boolean", Severity::kInfo,
                                 "charts/web/values.yaml", 2, ColumnOf(kValues, 2, "wörld"),
                                 "control\x01 char\ttab and bad byte \xff in a message",
                                 "/greeting", "7777aaaa8888bbbb");
  Finding on = MakeFinding("yaml-ambiguous-boolean", Severity::kInfo, "charts/web/values.yaml", 3,
                           10, "`on` is a string in YAML 1.2 but true in YAML 1.1", "/enabled",
                           "9999cccc0000dddd");
  Finding rendered = MakeFinding("workload-image-mutable-tag", Severity::kWarning,
                                 "charts/web/templates/deployment.yaml", 21, 18,
                                 "image nginx:latest uses the mutable tag latest",
                                 "/spec/template/spec/containers/0/image", "abcdabcdabcdabcd");
  rendered.object = {"apps/v1", "Deployment", "web", "web"};
  rendered.rendered =
      RenderedOrigin{"charts/web (values.yaml)", "web/templates/deployment.yaml", 40};
  Finding dup1 = MakeFinding("yaml-duplicate-key", Severity::kError, "manifests/dup.yaml", 7, 3,
                             "duplicate key a (first at line 6)", "/data/a", "dddd0000dddd0000");
  dup1.object = config_map;
  Finding dup2 = dup1;
  dup2.line = 8;
  dup2.message = "duplicate key a (first at line 6)";
  Finding crash = MakeFinding("internal-error", Severity::kError, "manifests/dup.yaml", 1, 1,
                              "rule yaml-ambiguous-boolean failed: boom", "", "eeee1111eeee1111");

  r.findings = {project, secret, destination, greeting, on, rendered, crash, dup1, dup2};
  std::sort(r.findings.begin(), r.findings.end(), FindingLess);
  r.skipped = {{"assets/logo.png", "binary file", false},
               {"secrets/locked.yaml", "cannot read secrets/locked.yaml: Permission denied", true}};
  r.errors = {"cannot read secrets/locked.yaml: Permission denied",
              "a rule failed with an internal error (see internal-error findings)"};
  r.rules.assign(std::begin(kRules), std::end(kRules));
  RunSummary& s = r.summary;
  s.files = 4;
  s.documents = 4;
  s.rendered = 1;
  s.skipped = 2;
  s.skipped_by_reason = {{"file not checked", 2}};  // as the engine counts r.skipped
  s.suppressed = 1;
  s.findings = static_cast<int>(r.findings.size());
  for (const Finding& f : r.findings) ++s.by_severity[static_cast<int>(f.severity)];
  return r;
}

reporters::ReportOptions TestOptions() {
  reporters::ReportOptions options;
  options.tool_version = "0.0.0-test";
  return options;
}

std::string Render(std::string_view format, const RunResult& result,
                   const reporters::ReportOptions& options = TestOptions()) {
  std::ostringstream out;
  Status written = reporters::WriteReport(format, result, out, options);
  REQUIRE(written);
  return out.str();
}

/// Hides the fake secret should a failing assertion print report text.
std::string Masked(std::string text) {
  for (size_t at; (at = text.find(kSecretTail)) != std::string::npos;) {
    text.replace(at, kSecretTail.size(), "…[masked]");
  }
  return text;
}

void CompareSnapshot(const std::string& name, const std::string& actual) {
  const fs::path path = testing::SourceDir() / "tests/reporters/snapshots" / name;
  const char* update = std::getenv("SYNCGATE_UPDATE_SNAPSHOTS");
  if (update && std::string_view(update) == "1") {
    testing::WriteFile(path, actual);
    WARN("rewrote snapshot " << path.string());
    return;
  }
  INFO("snapshot " << path.string() << " (SYNCGATE_UPDATE_SNAPSHOTS=1 rewrites it)");
  REQUIRE(fs::exists(path));
  const std::string expected = testing::ReadText(path);
  if (expected == actual) {
    SUCCEED();
    return;
  }
  std::istringstream a(expected), b(actual);
  std::string la, lb;
  int line = 0;
  while (true) {
    ++line;
    const bool more_a = static_cast<bool>(std::getline(a, la));
    const bool more_b = static_cast<bool>(std::getline(b, lb));
    if (!more_a && !more_b) break;
    if (la != lb || more_a != more_b) break;
  }
  FAIL("first difference at line " << line << "\n  expected: " << Masked(la)
                                   << "\n  actual:   " << Masked(lb));
}

/// `text` as a JSON string the way the reporters write it (invalid UTF-8 replaced by U+FFFD).
std::string Utf8Json(const std::string& text) {
  return json(text).dump(-1, ' ', false, json::error_handler_t::replace);
}

json ParseJson(const std::string& text) {
  json parsed = json::parse(text, nullptr, false);
  REQUIRE_FALSE(parsed.is_discarded());
  return parsed;
}

/// The SARIF 2.1.0 schema (tests/data; see the note beside it for its source).
const valijson::Schema& SarifSchema() {
  static const std::unique_ptr<valijson::Schema> schema = [] {
    const fs::path path = testing::SourceDir() / "tests/data/sarif-schema-2.1.0.json";
    const json document = json::parse(testing::ReadText(path));
    auto loaded = std::make_unique<valijson::Schema>();
    valijson::SchemaParser parser(valijson::SchemaParser::kDraft4);
    valijson::adapters::NlohmannJsonAdapter adapter(document);
    parser.populateSchema(adapter, *loaded);
    return loaded;
  }();
  return *schema;
}

/// Schema errors of `log`, one per line; empty when valid.
std::string SarifErrors(const json& log) {
  valijson::Validator validator;
  valijson::ValidationResults results;
  valijson::adapters::NlohmannJsonAdapter target(log);
  if (validator.validate(SarifSchema(), target, &results)) return {};
  std::string errors;
  valijson::ValidationResults::Error error;
  while (results.popError(error)) {
    std::string where;
    for (const std::string& part : error.context) where += part;
    errors += where + ": " + error.description + "\n";
  }
  return errors.empty() ? "invalid (no detail)" : errors;
}

/// valijson does not check `format`; these are the URI rules SARIF consumers enforce.
bool IsUriReference(std::string_view uri) {
  for (const char c : uri) {
    const bool ok = std::isalnum(static_cast<unsigned char>(c)) ||
                    std::string_view("-._~:/?#[]@!$&'()*+,;=%").find(c) != std::string_view::npos;
    if (!ok) return false;
  }
  return true;
}
bool IsAbsoluteUri(std::string_view uri) {
  const size_t colon = uri.find(':');
  return IsUriReference(uri) && colon != std::string_view::npos && colon > 0 &&
         std::isalpha(static_cast<unsigned char>(uri[0]));
}

TEST_CASE("every format matches its snapshot", "[reporters]") {
  const RunResult result = SampleResult();
  CompareSnapshot("sample.sarif", Render("sarif", result));
  CompareSnapshot("sample.junit.xml", Render("junit", result));
  CompareSnapshot("sample.gitlab.json", Render("gitlab", result));
  CompareSnapshot("sample.md", Render("markdown", result));
  CompareSnapshot("sample.txt", Render("text", result));
  CompareSnapshot("sample.json", Render("json", result));
}

TEST_CASE("no format prints a secret", "[reporters]") {
  const RunResult result = SampleResult();
  // The source really holds it: the excerpt is what must hide it.
  REQUIRE(std::string(kApplication).find(kSecret) != std::string::npos);
  for (const reporters::ReportFormat& format : reporters::ReportFormats()) {
    for (const bool excerpts : {true, false}) {
      reporters::ReportOptions options = TestOptions();
      options.excerpts = excerpts;
      const std::string out = Render(format.name, result, options);
      INFO("format " << format.name);
      CHECK(out.find(kSecretTail) == std::string::npos);
      CHECK(out.find(Redact(kSecret)) != std::string::npos);  // the message is still there
    }
  }
}

TEST_CASE("reports are deterministic", "[reporters]") {
  for (const reporters::ReportFormat& format : reporters::ReportFormats()) {
    INFO("format " << format.name);
    CHECK(Render(format.name, SampleResult()) == Render(format.name, SampleResult()));
  }
  // Through the engine too: two parallel runs over the same files give the same bytes.
  testing::TempDir dir;
  testing::WriteFile(dir / "repo/dup.yaml", kDuplicates);
  testing::WriteFile(dir / "repo/values.yaml", kValues);
  testing::WriteFile(dir / "repo/app.yaml", kApplication);
  const RunResult first = testing::Check({(dir / "repo").string()}, "", 2);
  const RunResult second = testing::Check({(dir / "repo").string()}, "", 2);
  REQUIRE_FALSE(first.findings.empty());
  for (const reporters::ReportFormat& format : reporters::ReportFormats()) {
    INFO("format " << format.name);
    CHECK(Render(format.name, first) == Render(format.name, second));
  }
}

TEST_CASE("sarif is valid SARIF 2.1.0 with real positions", "[reporters]") {
  const RunResult result = SampleResult();
  const json log = ParseJson(Render("sarif", result));
  INFO(SarifErrors(log));
  CHECK(SarifErrors(log).empty());

  const json& run = log["runs"][0];
  CHECK(run["tool"]["driver"]["name"] == "syncgate");
  CHECK(run["tool"]["driver"]["version"] == "0.0.0-test");
  const json& rules = run["tool"]["driver"]["rules"];
  REQUIRE(rules.size() == std::size(kRules));
  CHECK(rules[2]["id"] == "secret-vault-token");
  CHECK(rules[2]["name"] == "SecretVaultToken");
  CHECK(rules[2]["shortDescription"]["text"] == "Vault token in plain text");
  CHECK(rules[2]["fullDescription"]["text"] == "A root token opens the whole Vault.");
  CHECK(rules[2]["help"]["text"] == "Move it to a SealedSecret.");
  CHECK(rules[2]["defaultConfiguration"]["level"] == "error");
  CHECK(rules[4]["defaultConfiguration"]["level"] == "note");
  const std::string help = rules[2]["helpUri"];
  CHECK(help.size() - help.rfind("/docs/rules/secret-vault-token.md") == 33);

  const json& results = run["results"];
  REQUIRE(results.size() == result.findings.size());
  for (size_t i = 0; i < results.size(); ++i) {
    const Finding& f = result.findings[i];
    const json& r = results[i];
    INFO("finding " << f.file << ":" << f.line << " " << f.rule);
    CHECK(r["ruleId"] == f.rule);
    CHECK(rules[r["ruleIndex"].get<int>()]["id"] == f.rule);
    CHECK(r["message"]["text"].dump() == Utf8Json(f.message));
    CHECK(r["partialFingerprints"]["syncgate/v1"] == f.fingerprint);
    const json& physical = r["locations"][0]["physicalLocation"];
    CHECK(physical["artifactLocation"]["uri"] == f.file);
    CHECK(physical["artifactLocation"]["uriBaseId"] == "%SRCROOT%");
    CHECK(run["artifacts"][physical["artifactLocation"]["index"].get<int>()]["location"]["uri"] ==
          f.file);
    CHECK(physical["region"]["startLine"] == f.line);  // never everything on line 1
    CHECK(r["locations"][0].contains("logicalLocations") == !f.object.empty());
  }
  // Levels; the secret's snippet is redacted, its line and column are those of the value.
  const auto find = [&](std::string_view rule, int line) -> const json& {
    for (const json& r : results) {
      if (r["ruleId"] == rule &&
          r["locations"][0]["physicalLocation"]["region"]["startLine"] == line)
        return r;
    }
    FAIL("no result " << rule << " at line " << line);
    return results[0];
  };
  const json& secret = find("secret-vault-token", 12);
  CHECK(secret["level"] == "error");
  CHECK(secret["locations"][0]["physicalLocation"]["region"]["startColumn"] == 22);
  CHECK(secret["locations"][0]["physicalLocation"]["region"]["snippet"]["text"] ==
        "          rootToken: hvs.…[redacted]");
  const json& logical = secret["locations"][0]["logicalLocations"][0];
  CHECK(logical["fullyQualifiedName"] ==
        "argocd/Application/q-kms#/spec/source/helm/values/vault/rootToken");
  CHECK(logical["kind"] == "resource");
  CHECK(find("argocd-default-project", 7)["level"] == "warning");
  CHECK(find("yaml-ambiguous-boolean", 3)["level"] == "note");
  // "héllo " is 7 bytes but 6 UTF-16 code units: column 18 in bytes is 17 in SARIF.
  const Finding& greeting =
      *std::find_if(result.findings.begin(), result.findings.end(),
                    [](const Finding& f) { return f.pointer == "/greeting"; });
  CHECK(greeting.column == 18);
  CHECK(find("yaml-ambiguous-boolean",
             2)["locations"][0]["physicalLocation"]["region"]["startColumn"] == 17);
  CHECK(find("workload-image-mutable-tag", 21)["properties"]["rendered"]["template"] ==
        "web/templates/deployment.yaml");

  // Errors and skipped files: the run is not successful and says why, each once.
  const json& invocation = run["invocations"][0];
  CHECK(invocation["executionSuccessful"] == false);
  const json& notes = invocation["toolExecutionNotifications"];
  REQUIRE(notes.size() == 3);
  CHECK(notes[0]["message"]["text"] ==
        "a rule failed with an internal error (see internal-error findings)");
  CHECK(notes[1]["level"] == "note");
  CHECK(notes[2]["level"] == "error");
  CHECK(notes[2]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] ==
        "secrets/locked.yaml");
  // Every checked file is an artifact, including the one without findings.
  std::set<std::string> artifacts;
  for (const json& a : run["artifacts"]) artifacts.insert(a["location"]["uri"].get<std::string>());
  CHECK(artifacts == std::set<std::string>{
                         "apps/q-kms.yaml", "charts/web/templates/deployment.yaml",
                         "charts/web/values.yaml", "manifests/clean.yaml", "manifests/dup.yaml"});

  // URIs: absolute where SARIF wants absolute, valid references elsewhere.
  CHECK(IsAbsoluteUri(log["$schema"].get<std::string>()));
  CHECK(IsAbsoluteUri(run["tool"]["driver"]["informationUri"].get<std::string>()));
  for (const json& rule : rules) CHECK(IsAbsoluteUri(rule["helpUri"].get<std::string>()));
  for (const json& a : run["artifacts"])
    CHECK(IsUriReference(a["location"]["uri"].get<std::string>()));
}

TEST_CASE("sarif: a clean run is successful and paths become URIs", "[reporters]") {
  RunResult result;
  result.sources.emplace("my app/<stdin>#1.yaml",
                         SourceFile::FromText("my app/<stdin>#1.yaml", "a: 1\n"));
  result.sources.emplace("/abs/outside.yaml", SourceFile::FromText("/abs/outside.yaml", "b: 2\n"));
  result.summary.files = 2;
  const json log = ParseJson(Render("sarif", result));
  INFO(SarifErrors(log));
  CHECK(SarifErrors(log).empty());
  const json& run = log["runs"][0];
  CHECK(run["invocations"][0]["executionSuccessful"] == true);
  CHECK_FALSE(run["invocations"][0].contains("toolExecutionNotifications"));
  CHECK(run["results"].empty());
  CHECK(run["artifacts"][0]["location"]["uri"] == "file:///abs/outside.yaml");
  CHECK_FALSE(run["artifacts"][0]["location"].contains("uriBaseId"));
  CHECK(run["artifacts"][1]["location"]["uri"] == "my%20app/%3Cstdin%3E%231.yaml");
  CHECK(run["artifacts"][1]["location"]["uriBaseId"] == "%SRCROOT%");
}

TEST_CASE("the SARIF schema check rejects broken documents", "[reporters]") {
  const json good = ParseJson(Render("sarif", SampleResult()));
  REQUIRE(SarifErrors(good).empty());
  json no_version = good;
  no_version.erase("version");
  CHECK_FALSE(SarifErrors(no_version).empty());
  json bad_level = good;
  bad_level["runs"][0]["results"][0]["level"] = "fatal";
  CHECK_FALSE(SarifErrors(bad_level).empty());
  json line_zero = good;  // through $ref: result → location → physicalLocation → region
  line_zero["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] = 0;
  CHECK_FALSE(SarifErrors(line_zero).empty());
  json unknown_property = good;
  unknown_property["runs"][0]["tool"]["driver"]["colour"] = "blue";
  CHECK_FALSE(SarifErrors(unknown_property).empty());
  json no_driver_name = good;
  no_driver_name["runs"][0]["tool"]["driver"].erase("name");
  CHECK_FALSE(SarifErrors(no_driver_name).empty());
}

/// Parses `xml` with Python's XML parser and returns its counts, or "error: ..." when it is not
/// well-formed.
std::string XmlCounts(const std::string& xml) {
  testing::TempDir dir;
  testing::WriteFile(dir / "report.xml", xml);
  const std::string script =
      "import sys, xml.dom.minidom as m\n"
      "try:\n"
      "    d = m.parse(sys.argv[1])\n"
      "except Exception as e:\n"
      "    print('error: %s' % e); sys.exit(0)\n"
      "s = d.getElementsByTagName('testsuite')[0]\n"
      "n = lambda t: len(d.getElementsByTagName(t))\n"
      "print(' '.join('%s=%s' % (k, s.getAttribute(k)) for k in "
      "('tests', 'failures', 'errors', 'skipped')),\n"
      "      'testcase=%d failure=%d error=%d skipped=%d' % (n('testcase'), n('failure'), "
      "n('error'), n('skipped')))\n";
  testing::WriteFile(dir / "count.py", script);
  const testing::CommandOutput out = testing::RunShell("python3 '" + (dir / "count.py").string() +
                                                       "' '" + (dir / "report.xml").string() + "'");
  INFO(out.err);
  REQUIRE(out.exit_code == 0);
  return out.out;
}

TEST_CASE("junit is well-formed XML with one testcase per file", "[reporters]") {
  if (testing::RunShell("python3 -c 'import xml.dom.minidom'").exit_code != 0) {
    FAIL("python3 with xml.dom.minidom is needed to check the JUnit XML");
  }
  // The checker itself can fail.
  CHECK(XmlCounts("<a><b></a>").rfind("error: ", 0) == 0);
  CHECK(XmlCounts("<a>\x01</a>").rfind("error: ", 0) == 0);

  const RunResult result = SampleResult();
  const std::string xml = Render("junit", result);
  // 5 files (4 loaded + 1 named by a rendered finding), 2 skipped, 1 run-level error case.
  // Failures: files with findings but no internal error (q-kms, values, deployment).
  CHECK(XmlCounts(xml) ==
        "tests=8 failures=3 errors=3 skipped=1 testcase=8 failure=8 error=3 skipped=1\n");
  CHECK(xml.find("name=\"manifests/clean.yaml\" file=\"manifests/clean.yaml\"/>") !=
        std::string::npos);
  CHECK(xml.find("message=\"namespace &quot;q|kms&quot; is not a &lt;DNS-1123&gt; label &amp; "
                 "&apos;cannot&apos; sync\"") != std::string::npos);
  CHECK(xml.find("control\xEF\xBF\xBD char&#9;tab and bad byte \xEF\xBF\xBD in") !=
        std::string::npos);
  CHECK(xml.find("<error type=\"internal-error\"") != std::string::npos);
  CHECK(xml.find("<skipped message=\"binary file\"/>") != std::string::npos);
  CHECK(xml.find(">apps/q-kms.yaml:12:22: error: Vault token in plain text (hvs.…[redacted]) "
                 "[secret-vault-token]\n   12 |           rootToken: hvs.…[redacted]</failure>") !=
        std::string::npos);
}

TEST_CASE("gitlab code quality: fields, severities and unique, stable fingerprints",
          "[reporters]") {
  RunResult result = SampleResult();
  const json issues = ParseJson(Render("gitlab", result));
  REQUIRE(issues.is_array());
  REQUIRE(issues.size() == result.findings.size());
  std::set<std::string> fingerprints;
  std::map<std::string, std::string> severity_of_rule;
  for (size_t i = 0; i < issues.size(); ++i) {
    const json& issue = issues[i];
    const Finding& f = result.findings[i];
    CHECK(issue["description"].dump() == Utf8Json(f.message));
    CHECK(issue["check_name"] == f.rule);
    CHECK(issue["location"]["path"] == f.file);
    CHECK(issue["location"]["lines"]["begin"] == f.line);
    fingerprints.insert(issue["fingerprint"].get<std::string>());
    severity_of_rule[f.rule] = issue["severity"].get<std::string>();
  }
  CHECK(fingerprints.size() == issues.size());
  CHECK(severity_of_rule["secret-vault-token"] == "major");
  CHECK(severity_of_rule["argocd-default-project"] == "minor");
  CHECK(severity_of_rule["yaml-ambiguous-boolean"] == "info");
  CHECK(severity_of_rule["internal-error"] == "blocker");
  // The first of the two duplicate-key findings keeps the engine's fingerprint.
  CHECK(fingerprints.count("dddd0000dddd0000") == 1);

  // Edits elsewhere: lines move and an unrelated finding appears; fingerprints stay.
  RunResult edited = SampleResult();
  for (Finding& f : edited.findings) f.line += 3;
  edited.findings.push_back(MakeFinding("yaml-duplicate-key", Severity::kError, "other.yaml", 2, 1,
                                        "duplicate key b", "/b", "ffff0000ffff0000"));
  std::sort(edited.findings.begin(), edited.findings.end(), FindingLess);
  std::set<std::string> after;
  for (const json& issue : ParseJson(Render("gitlab", edited)))
    after.insert(issue["fingerprint"].get<std::string>());
  after.erase("ffff0000ffff0000");
  CHECK(after == fingerprints);
}

TEST_CASE("markdown: verdict, escaped tables, excerpts, skipped files", "[reporters]") {
  const RunResult result = SampleResult();
  const std::string md = Render("markdown", result);
  CHECK(md.rfind("### ❌ **syncgate could not finish**: 9 findings (4 errors, 3 warnings, 2 info)",
                 0) == 0);
  CHECK(md.find("| 🟡 warning | `argocd-default-project` | `apps/q-kms.yaml:14:16` | namespace "
                "\"q\\|kms\" is not a &lt;DNS-1123&gt; label &amp; 'cannot' sync |") !=
        std::string::npos);
  CHECK(md.find("   12 |           rootToken: hvs.…[redacted]\n") != std::string::npos);
  CHECK(md.find("#### Skipped (2)\n\n- `assets/logo.png`: binary file\n") != std::string::npos);
  CHECK(md.find("#### Tool errors\n\n- a rule failed") != std::string::npos);
  // Control characters and invalid UTF-8 from the input never reach the comment.
  CHECK(md.find("| control\xEF\xBF\xBD char tab and bad byte \xEF\xBF\xBD in a message |") !=
        std::string::npos);
  CHECK(md.find("(rendered from web/templates/deployment.yaml, charts/web (values.yaml))") !=
        std::string::npos);

  // Without errors the verdict follows --fail-on.
  RunResult clean_run = SampleResult();
  clean_run.errors.clear();
  reporters::ReportOptions options = TestOptions();
  CHECK(Render("markdown", clean_run, options).rfind("### ❌ **syncgate failed**", 0) == 0);
  options.fail_on = std::nullopt;  // --fail-on never
  CHECK(Render("markdown", clean_run, options).rfind("### ✅ **syncgate passed**", 0) == 0);
}

TEST_CASE("check writes several formats in one run", "[reporters]") {
  testing::TempDir dir;
  testing::WriteFile(dir / "repo/dup.yaml", kDuplicates);
  testing::WriteFile(dir / "repo/clean.yaml",
                     "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ok\n");
  const std::string out_dir = (dir / "out").string();
  fs::create_directories(out_dir);
  const testing::CommandOutput run = testing::RunSyncgate(
      fmt::format("check repo --no-color --format sarif={0}/a.sarif --format junit={0}/b.xml "
                  "--format gitlab={0}/c.json --format text",
                  out_dir),
      "", dir.path().string());
  INFO(run.out << run.err);
  CHECK(run.exit_code == 1);
  CHECK(run.out.find("repo/dup.yaml:7:3: error:") != std::string::npos);
  CHECK(run.out.find("[yaml-duplicate-key]") != std::string::npos);

  const json sarif = ParseJson(testing::ReadText(fs::path(out_dir) / "a.sarif"));
  INFO(SarifErrors(sarif));
  CHECK(SarifErrors(sarif).empty());
  bool seen = false;
  for (const json& r : sarif["runs"][0]["results"]) {
    const json& location = r["locations"][0]["physicalLocation"];
    if (r["ruleId"] == "yaml-duplicate-key" && location["region"]["startLine"] == 7) {
      seen = true;
      CHECK(location["artifactLocation"]["uri"] == "repo/dup.yaml");
    }
  }
  CHECK(seen);

  const std::string junit = testing::ReadText(fs::path(out_dir) / "b.xml");
  CHECK(junit.find("<testcase classname=\"syncgate\" name=\"repo/clean.yaml\"") !=
        std::string::npos);
  CHECK(junit.find("<failure type=\"yaml-duplicate-key\"") != std::string::npos);

  const json gitlab = ParseJson(testing::ReadText(fs::path(out_dir) / "c.json"));
  REQUIRE(gitlab.is_array());
  std::set<std::string> fingerprints;
  bool duplicate_key = false;
  for (const json& issue : gitlab) {
    fingerprints.insert(issue["fingerprint"].get<std::string>());
    duplicate_key |=
        issue["check_name"] == "yaml-duplicate-key" && issue["location"]["path"] == "repo/dup.yaml";
  }
  CHECK(duplicate_key);
  CHECK(fingerprints.size() == gitlab.size());
}

}  // namespace
}  // namespace syncgate
