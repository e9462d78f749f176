// sarif: SARIF 2.1.0 for code scanning (GitHub, GitLab, IDE viewers). One run; every result
// carries its real line and column, the redacted source line and the engine's fingerprint.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "reporters/report_util.h"
#include "reporters/reporter.h"

namespace syncgate::reporters {
namespace {

using nlohmann::ordered_json;

constexpr std::string_view kSchemaUri =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
// The project's home; rule help links point into its docs/rules/ folder.
constexpr std::string_view kInformationUri = "https://github.com/syncgate/syncgate";
constexpr std::string_view kSrcRoot = "%SRCROOT%";

std::string_view Level(Severity severity) {
  switch (severity) {
    case Severity::kError:
      return "error";
    case Severity::kWarning:
      return "warning";
    case Severity::kInfo:
      return "note";
  }
  return "none";
}

/// A display path as a URI reference: unreserved characters and '/' stay, the rest is
/// percent-encoded (spaces, '%', '#', '<stdin>'...).
std::string PercentEncode(std::string_view path) {
  std::string out;
  for (const unsigned char c : path) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '/') {
      out += static_cast<char>(c);
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

/// Relative paths resolve against %SRCROOT% (the working directory of the run); an absolute
/// path (an input outside it) becomes a file: URI of its own.
ordered_json ArtifactLocation(std::string_view path, const std::map<std::string, int>& index) {
  ordered_json location;
  if (!path.empty() && path.front() == '/') {
    location["uri"] = "file://" + PercentEncode(path);
  } else {
    location["uri"] = PercentEncode(path);
    location["uriBaseId"] = kSrcRoot;
  }
  if (auto it = index.find(std::string(path)); it != index.end()) location["index"] = it->second;
  return location;
}

/// "secret-vault-token" → "SecretVaultToken": SARIF's rule name is an identifier-like label.
std::string RuleName(std::string_view id) {
  std::string name;
  bool upper = true;
  for (const char c : id) {
    if (c == '-') {
      upper = true;
      continue;
    }
    name += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    upper = false;
  }
  return name;
}

/// The engine counts columns in bytes; SARIF (columnKind utf16CodeUnits, what GitHub and VS Code
/// assume) counts UTF-16 code units, so a line with "ä" before the value needs converting.
int Utf16Column(const RunResult& run, const Finding& f) {
  const SourceFile* source = run.Source(f.file);
  if (!source || f.column <= 1) return f.column;
  const std::string_view line = source->Line(f.line);
  const size_t end = std::min(line.size(), static_cast<size_t>(f.column - 1));
  int units = 0;
  for (size_t i = 0; i < end; ++i) {
    const unsigned char c = static_cast<unsigned char>(line[i]);
    if ((c & 0xC0) == 0x80) continue;  // continuation byte: counted with its lead
    units += c >= 0xF0 ? 2 : 1;        // 4-byte sequences are surrogate pairs
  }
  return units + 1 + static_cast<int>(static_cast<size_t>(f.column - 1) - end);
}

ordered_json RuleDescriptor(const RuleMeta& meta) {
  const std::string id(meta.id);
  ordered_json rule;
  rule["id"] = id;
  rule["name"] = RuleName(meta.id);
  rule["shortDescription"] = {{"text", meta.summary}};
  rule["fullDescription"] = {{"text", meta.rationale}};
  rule["help"] = {{"text", meta.remediation}};
  rule["helpUri"] = fmt::format("{}/blob/main/docs/rules/{}.md", kInformationUri, id);
  rule["defaultConfiguration"] = {{"level", Level(meta.severity)}};
  rule["properties"] = {{"tags", {id.substr(0, id.find('-'))}}};
  return rule;
}

ordered_json ObjectLocation(const Finding& f) {
  const ObjectRef& o = f.object;
  const std::string qualified = o.ns.empty() ? fmt::format("{}/{}", o.kind, o.name)
                                             : fmt::format("{}/{}/{}", o.ns, o.kind, o.name);
  ordered_json location;
  location["name"] = o.name;
  location["fullyQualifiedName"] = qualified + (f.pointer.empty() ? "" : "#" + f.pointer);
  location["kind"] = "resource";
  location["properties"] = {{"apiVersion", o.api_version},
                            {"kind", o.kind},
                            {"namespace", o.ns},
                            {"name", o.name},
                            {"pointer", f.pointer}};
  return location;
}

ordered_json Result(const RunResult& run, const Finding& f, const std::map<std::string, int>& rules,
                    const std::map<std::string, int>& artifacts) {
  ordered_json result;
  result["ruleId"] = f.rule;
  if (auto it = rules.find(f.rule); it != rules.end()) result["ruleIndex"] = it->second;
  result["level"] = Level(f.severity);
  result["message"] = {{"text", f.message}};
  ordered_json physical;
  physical["artifactLocation"] = ArtifactLocation(f.file, artifacts);
  if (f.line > 0) {
    ordered_json region;
    region["startLine"] = f.line;
    if (f.column > 0) region["startColumn"] = Utf16Column(run, f);
    if (std::string excerpt = ExcerptLine(run, f); !excerpt.empty()) {
      region["snippet"] = {{"text", excerpt}};
    }
    physical["region"] = std::move(region);
  }
  ordered_json location;
  location["physicalLocation"] = std::move(physical);
  if (!f.object.empty()) location["logicalLocations"] = ordered_json::array({ObjectLocation(f)});
  result["locations"] = ordered_json::array({std::move(location)});
  result["partialFingerprints"] = {{"syncgate/v1", f.fingerprint}};
  ordered_json properties;
  if (!f.pointer.empty()) properties["pointer"] = f.pointer;
  if (f.rendered) {
    properties["rendered"] = {{"render", f.rendered->render},
                              {"template", f.rendered->template_path},
                              {"line", f.rendered->line}};
  }
  if (!properties.empty()) result["properties"] = std::move(properties);
  return result;
}

ordered_json Invocation(const RunResult& run, const std::map<std::string, int>& artifacts) {
  ordered_json notifications = ordered_json::array();
  for (const std::string& error : RunLevelErrors(run)) {
    notifications.push_back({{"level", "error"}, {"message", {{"text", error}}}});
  }
  for (const SkippedFile& skip : run.skipped) {
    ordered_json note;
    note["level"] = skip.is_error ? "error" : "note";
    note["message"] = {{"text", fmt::format("skipped {}: {}", skip.display_path, skip.reason)}};
    note["properties"] = {{"reason", SkipKindName(skip.kind)}};
    note["locations"] = ordered_json::array(
        {{{"physicalLocation",
           {{"artifactLocation", ArtifactLocation(skip.display_path, artifacts)}}}}});
    notifications.push_back(std::move(note));
  }
  ordered_json invocation;
  invocation["executionSuccessful"] = run.errors.empty();
  // Coverage: what was rendered, and what was skipped and why (SARIF has no field for it).
  invocation["properties"] = {{"rendered", run.summary.rendered},
                              {"skipped", run.summary.skipped},
                              {"skippedByReason", run.summary.skipped_by_reason}};
  if (!notifications.empty()) invocation["toolExecutionNotifications"] = std::move(notifications);
  return invocation;
}

}  // namespace

void WriteSarif(const RunResult& result, std::ostream& out, const ReportOptions& options) {
  ordered_json driver;
  driver["name"] = "syncgate";
  driver["version"] = options.tool_version;
  driver["semanticVersion"] = options.tool_version;
  driver["informationUri"] = kInformationUri;
  ordered_json rules = ordered_json::array();
  std::map<std::string, int> rule_index;
  for (const RuleMeta& meta : result.rules) {
    // First descriptor wins should a rule id ever appear twice: indexes must stay unique.
    if (!rule_index.emplace(std::string(meta.id), static_cast<int>(rules.size())).second) continue;
    rules.push_back(RuleDescriptor(meta));
  }
  driver["rules"] = std::move(rules);

  ordered_json artifacts = ordered_json::array();
  std::map<std::string, int> artifact_index;
  for (const std::string& path : CheckedFiles(result)) {
    artifact_index.emplace(path, static_cast<int>(artifacts.size()));
    ordered_json artifact;
    artifact["location"] = ArtifactLocation(path, {});
    if (const SourceFile* source = result.Source(path)) {
      artifact["length"] = source->byte_size();
    }
    artifact["roles"] = {"analysisTarget"};
    artifacts.push_back(std::move(artifact));
  }

  ordered_json results = ordered_json::array();
  for (const Finding& f : result.findings) {
    results.push_back(Result(result, f, rule_index, artifact_index));
  }

  ordered_json run;
  run["tool"] = {{"driver", std::move(driver)}};
  run["invocations"] = ordered_json::array({Invocation(result, artifact_index)});
  run["originalUriBaseIds"] = {
      {kSrcRoot, {{"description", {{"text", "The working directory syncgate ran in."}}}}}};
  run["artifacts"] = std::move(artifacts);
  run["results"] = std::move(results);
  run["columnKind"] = "utf16CodeUnits";

  ordered_json log;
  log["$schema"] = kSchemaUri;
  log["version"] = "2.1.0";
  log["runs"] = ordered_json::array({std::move(run)});
  // Invalid UTF-8 in a message or excerpt must not abort the report: replace it.
  out << log.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
}

}  // namespace syncgate::reporters
