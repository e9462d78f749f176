// Merging shard reports (merge_reports.h). nlohmann's exceptions (a field of the wrong type in a
// hand-edited report) are caught here and become errors naming the file.
#include "reporters/merge_reports.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>
#include <tuple>

#include "checker/text_util.h"

namespace syncgate::reporters {
namespace {
using nlohmann::ordered_json;

std::string Dump(const ordered_json& json) {
  return json.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

Unexpected NotAReport(const std::string& path, std::string_view why) {
  return Unexpected(fmt::format("{}: not a syncgate report to merge: {}", path, why));
}

/// Adds the numbers of `add` into `into`, key by key, objects recursively (summary counts,
/// skipped-by-reason maps); keys of objects end up sorted as the reports write maps.
void AddCounts(ordered_json& into, const ordered_json& add) {
  for (const auto& [key, value] : add.items()) {
    if (value.is_number_integer()) {
      into[key] = into.value(key, 0) + value.get<long long>();
    } else if (value.is_object()) {
      if (!into.contains(key) || !into[key].is_object()) into[key] = ordered_json::object();
      AddCounts(into[key], value);
    }
  }
}

/// `object` with its keys sorted (a std::map of the run, written in key order).
ordered_json SortedKeys(const ordered_json& object) {
  std::map<std::string, ordered_json> sorted;
  for (const auto& [key, value] : object.items()) sorted.emplace(key, value);
  ordered_json out = ordered_json::object();
  for (auto& [key, value] : sorted) out[key] = std::move(value);
  return out;
}

// ---- json

Expected<std::string> MergeJson(const std::vector<ShardReport>& reports) {
  ordered_json merged;
  ordered_json findings = ordered_json::array();
  for (const ShardReport& report : reports) {
    const ordered_json json = ordered_json::parse(report.text);
    if (!json.contains("summary") || !json["summary"].is_object() || !json.contains("findings") ||
        !json["findings"].is_array()) {
      return NotAReport(report.path, "a JSON report needs summary and findings");
    }
    if (merged.is_null()) {
      merged = json;
      merged["summary"] = ordered_json::object();
      for (const auto& [key, value] : json["summary"].items()) {
        merged["summary"][key] = value.is_object() ? ordered_json::object() : ordered_json(0);
      }
    }
    AddCounts(merged["summary"], json["summary"]);
    for (const ordered_json& f : json["findings"]) {
      if (!f.is_object()) return NotAReport(report.path, "a finding that is not an object");
      findings.push_back(f);
    }
  }
  if (merged["summary"].contains("skipped_by_reason")) {
    merged["summary"]["skipped_by_reason"] = SortedKeys(merged["summary"]["skipped_by_reason"]);
  }
  // The order of a run (FindingLess): file, line, column, rule, message, pointer.
  auto key = [](const ordered_json& f) {
    return std::make_tuple(f.value("file", ""), f.value("line", 0), f.value("column", 0),
                           f.value("rule", ""), f.value("message", ""), f.value("pointer", ""));
  };
  std::stable_sort(findings.begin(), findings.end(),
                   [&](const ordered_json& a, const ordered_json& b) { return key(a) < key(b); });
  merged["findings"] = std::move(findings);
  return Dump(merged);
}

// ---- sarif

const ordered_json* FirstRun(const ordered_json& log) {
  if (!log.is_object() || !log.contains("runs") || !log["runs"].is_array() ||
      log["runs"].size() != 1 || !log["runs"][0].is_object()) {
    return nullptr;
  }
  return &log["runs"][0];
}

std::string UriOf(const ordered_json& location) {
  return location.is_object() ? location.value("uri", "") : "";
}

/// A uri as the path it encodes ("a%40rendered/x" is "a@rendered/x"): one run orders its
/// artifacts and results by path.
std::string PathOfUri(std::string_view uri) {
  std::string path;
  for (size_t i = 0; i < uri.size(); ++i) {
    if (uri[i] == '%' && i + 2 < uri.size() &&
        std::isxdigit(static_cast<unsigned char>(uri[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(uri[i + 2]))) {
      path += static_cast<char>(std::stoi(std::string(uri.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      path += uri[i];
    }
  }
  return path;
}

/// Renumbers `location.index` (an artifactLocation) by uri.
void Reindex(ordered_json& location, const std::map<std::string, int>& index) {
  if (!location.is_object() || !location.contains("index")) return;
  auto it = index.find(UriOf(location));
  if (it == index.end()) {
    location.erase("index");
  } else {
    location["index"] = it->second;
  }
}

/// The artifactLocation of a result or notification's first location, or null.
ordered_json* FirstArtifactLocation(ordered_json& item) {
  if (!item.contains("locations") || !item["locations"].is_array() || item["locations"].empty())
    return nullptr;
  ordered_json& physical = item["locations"][0]["physicalLocation"];
  if (!physical.is_object() || !physical.contains("artifactLocation")) return nullptr;
  return &physical["artifactLocation"];
}

Expected<std::string> MergeSarif(const std::vector<ShardReport>& reports) {
  ordered_json log;
  std::map<std::string, ordered_json> rules;      // by id
  std::map<std::string, ordered_json> artifacts;  // by the path of their uri
  ordered_json results = ordered_json::array();
  ordered_json notifications = ordered_json::array();
  ordered_json coverage = ordered_json::object();
  bool successful = true;
  for (const ShardReport& report : reports) {
    const ordered_json json = ordered_json::parse(report.text);
    const ordered_json* run = FirstRun(json);
    if (!run || !run->contains("results") || !(*run)["results"].is_array()) {
      return NotAReport(report.path, "a SARIF report needs one run with results");
    }
    if (log.is_null()) log = json;
    if (run->contains("tool") && (*run)["tool"].contains("driver")) {
      for (const ordered_json& rule :
           (*run)["tool"]["driver"].value("rules", ordered_json::array()))
        rules.try_emplace(rule.value("id", ""), rule);
    }
    for (const ordered_json& artifact : run->value("artifacts", ordered_json::array()))
      artifacts.try_emplace(PathOfUri(UriOf(artifact.value("location", ordered_json()))), artifact);
    for (const ordered_json& result : (*run)["results"]) results.push_back(result);
    for (const ordered_json& invocation : run->value("invocations", ordered_json::array())) {
      successful &= invocation.value("executionSuccessful", true);
      if (invocation.contains("properties")) AddCounts(coverage, invocation["properties"]);
      for (const ordered_json& note :
           invocation.value("toolExecutionNotifications", ordered_json::array()))
        notifications.push_back(note);
    }
  }
  // Rules and artifacts as one run lists them: sorted, each once, results pointing at them.
  ordered_json rule_list = ordered_json::array();
  std::map<std::string, int> rule_index;
  for (auto& [id, rule] : rules) {
    rule_index.emplace(id, static_cast<int>(rule_list.size()));
    rule_list.push_back(std::move(rule));
  }
  ordered_json artifact_list = ordered_json::array();
  std::map<std::string, int> artifact_index;
  for (auto& [path, artifact] : artifacts) {
    artifact_index.emplace(UriOf(artifact["location"]), static_cast<int>(artifact_list.size()));
    artifact_list.push_back(std::move(artifact));
  }
  for (ordered_json& result : results) {
    if (auto it = rule_index.find(result.value("ruleId", "")); it != rule_index.end()) {
      result["ruleIndex"] = it->second;
    } else {
      result.erase("ruleIndex");
    }
    if (ordered_json* location = FirstArtifactLocation(result)) Reindex(*location, artifact_index);
  }
  for (ordered_json& note : notifications) {
    if (ordered_json* location = FirstArtifactLocation(note)) Reindex(*location, artifact_index);
  }
  // Each file's results come from one shard, already in run order: order by file only.
  std::vector<std::pair<std::string, ordered_json>> by_file;
  for (ordered_json& result : results) {
    const ordered_json* location = FirstArtifactLocation(result);
    by_file.emplace_back(location ? PathOfUri(UriOf(*location)) : std::string(), std::move(result));
  }
  std::stable_sort(by_file.begin(), by_file.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  results = ordered_json::array();
  for (auto& [file, result] : by_file) results.push_back(std::move(result));
  ordered_json& run = log["runs"][0];
  run["tool"]["driver"]["rules"] = std::move(rule_list);
  ordered_json invocation;
  invocation["executionSuccessful"] = successful;
  if (coverage.contains("skippedByReason"))
    coverage["skippedByReason"] = SortedKeys(coverage["skippedByReason"]);
  invocation["properties"] = std::move(coverage);
  if (!notifications.empty()) invocation["toolExecutionNotifications"] = std::move(notifications);
  run["invocations"] = ordered_json::array({std::move(invocation)});
  run["artifacts"] = std::move(artifact_list);
  run["results"] = std::move(results);
  return Dump(log);
}

// ---- junit

struct Testcase {
  std::string name;
  std::string xml;  // the whole element, indented, with its newline
  bool failed = false, errored = false, skipped = false;
  bool is_file = false;  // a checked file (not a skipped one, not the run's errors)
};

/// The test cases of a JUnit report as syncgate writes it (one testsuite, one element a line
/// group), or nullopt when it is not one.
std::optional<std::vector<Testcase>> ReadTestcases(std::string_view text) {
  const size_t suite = text.find("<testsuite ");
  const size_t end = text.rfind("</testsuite>");
  if (suite == std::string_view::npos || end == std::string_view::npos || end < suite)
    return std::nullopt;
  const size_t body = text.find('\n', suite);
  if (body == std::string_view::npos || body > end) return std::nullopt;
  std::string_view cases = text.substr(body + 1, end - body - 1);
  cases = cases.substr(0, cases.rfind('\n') + 1);  // the indentation of </testsuite>
  std::vector<Testcase> out;
  for (size_t at = cases.find("<testcase "); at != std::string_view::npos;) {
    const size_t line_start = cases.rfind('\n', at);
    const size_t begin = line_start == std::string_view::npos ? 0 : line_start + 1;
    const size_t next = cases.find("<testcase ", at + 1);
    size_t stop = next == std::string_view::npos ? cases.size() : cases.rfind('\n', next) + 1;
    const std::string_view element = cases.substr(begin, stop - begin);
    Testcase tc;
    tc.xml = std::string(element);
    const size_t name = element.find("name=\"");
    if (name != std::string_view::npos) {
      const size_t close = element.find('"', name + 6);
      tc.name = std::string(element.substr(name + 6, close - name - 6));
    }
    tc.failed = element.find("<failure") != std::string_view::npos;
    tc.errored = element.find("<error") != std::string_view::npos;
    tc.skipped = element.find("<skipped") != std::string_view::npos;
    tc.is_file = element.find(" file=\"") != std::string_view::npos && !tc.skipped &&
                 element.find("type=\"skipped\"") == std::string_view::npos;
    out.push_back(std::move(tc));
    at = next;
  }
  return out;
}

Expected<std::string> MergeJunit(const std::vector<ShardReport>& reports) {
  // As one run writes them: checked files by path, then skipped files, then the run's errors.
  std::vector<Testcase> files, others, run_errors;
  for (const ShardReport& report : reports) {
    std::optional<std::vector<Testcase>> cases = ReadTestcases(report.text);
    if (!cases) return NotAReport(report.path, "a JUnit report needs a <testsuite>");
    for (Testcase& tc : *cases) {
      auto& list = tc.is_file ? files : tc.name == "syncgate run" ? run_errors : others;
      list.push_back(std::move(tc));
    }
  }
  std::stable_sort(files.begin(), files.end(),
                   [](const Testcase& a, const Testcase& b) { return a.name < b.name; });
  files.insert(files.end(), others.begin(), others.end());
  files.insert(files.end(), run_errors.begin(), run_errors.end());
  int failures = 0, errors = 0, skipped = 0;
  std::string body;
  for (const Testcase& tc : files) {
    failures += tc.failed && !tc.errored;
    errors += tc.errored;
    skipped += tc.skipped;
    body += tc.xml;
  }
  const std::string counts =
      fmt::format("tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\"", files.size(),
                  failures, errors, skipped);
  return fmt::format(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"syncgate\" {}>\n"
      "  <testsuite name=\"syncgate\" {}>\n{}  </testsuite>\n</testsuites>\n",
      counts, counts, body);
}

// ---- gitlab

Expected<std::string> MergeGitlab(const std::vector<ShardReport>& reports) {
  ordered_json issues = ordered_json::array();
  std::set<std::string> fingerprints;
  for (const ShardReport& report : reports) {
    const ordered_json json = ordered_json::parse(report.text);
    if (!json.is_array()) return NotAReport(report.path, "a Code Quality report is an array");
    for (const ordered_json& issue : json) {
      if (!issue.is_object() || !issue.contains("fingerprint"))
        return NotAReport(report.path, "a Code Quality issue without a fingerprint");
      // GitLab drops an issue whose fingerprint repeats: keep the first.
      if (fingerprints.insert(issue["fingerprint"].get<std::string>()).second)
        issues.push_back(issue);
    }
  }
  auto path = [](const ordered_json& issue) {
    return issue.contains("location") ? issue["location"].value("path", "") : std::string();
  };
  std::stable_sort(issues.begin(), issues.end(),
                   [&](const ordered_json& a, const ordered_json& b) { return path(a) < path(b); });
  return Dump(issues);
}

}  // namespace

std::string_view ReportKindName(ReportKind kind) {
  switch (kind) {
    case ReportKind::kJson:
      return "json";
    case ReportKind::kSarif:
      return "sarif";
    case ReportKind::kJunit:
      return "junit";
    case ReportKind::kGitlab:
      return "gitlab";
  }
  return "json";
}

std::optional<ReportKind> ReportKindNamed(std::string_view name) {
  for (ReportKind kind :
       {ReportKind::kJson, ReportKind::kSarif, ReportKind::kJunit, ReportKind::kGitlab}) {
    if (ReportKindName(kind) == name) return kind;
  }
  return std::nullopt;
}

Expected<ShardReport> RecogniseShardReport(std::string path, std::string text) {
  const size_t first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return NotAReport(path, "it is empty");
  if (text[first] == '<') {
    if (text.find("<testsuite") == std::string::npos)
      return NotAReport(path, "XML without a <testsuite> (JUnit)");
    return ShardReport{std::move(path), ReportKind::kJunit, std::move(text)};
  }
  const ordered_json json = ordered_json::parse(text, nullptr, false);
  if (json.is_discarded()) return NotAReport(path, "neither JSON nor JUnit XML");
  ReportKind kind;
  if (json.is_array()) {
    kind = ReportKind::kGitlab;
  } else if (json.is_object() && json.contains("runs")) {
    kind = ReportKind::kSarif;
  } else if (json.is_object() && json.contains("summary") && json.contains("findings")) {
    kind = ReportKind::kJson;
  } else {
    return NotAReport(path, "JSON that is neither a syncgate json, SARIF nor Code Quality report");
  }
  return ShardReport{std::move(path), kind, std::move(text)};
}

Expected<ShardReport> ReadShardReport(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Unexpected(fmt::format("{}: cannot read", path));
  std::stringstream text;
  text << in.rdbuf();
  return RecogniseShardReport(path, text.str());
}

Expected<std::string> MergeReports(ReportKind kind, const std::vector<ShardReport>& reports) {
  if (reports.empty()) {
    return Unexpected(fmt::format("no {} report among the inputs", ReportKindName(kind)));
  }
  for (const ShardReport& report : reports) {
    if (report.kind != kind) {
      return Unexpected(fmt::format("{}: a {} report, not {}", report.path,
                                    ReportKindName(report.kind), ReportKindName(kind)));
    }
  }
  // A report of the right shape with a field of the wrong type: the file the field was in is
  // not known here, so the error names them all.
  try {
    switch (kind) {
      case ReportKind::kJson:
        return MergeJson(reports);
      case ReportKind::kSarif:
        return MergeSarif(reports);
      case ReportKind::kJunit:
        return MergeJunit(reports);
      case ReportKind::kGitlab:
        return MergeGitlab(reports);
    }
  } catch (const nlohmann::json::exception& e) {
    std::string paths;
    for (const ShardReport& report : reports) paths += (paths.empty() ? "" : ", ") + report.path;
    return Unexpected(fmt::format("{}: a {} report of an unexpected shape: {}", paths,
                                  ReportKindName(kind), e.what()));
  }
  return Unexpected(std::string("unknown report kind"));
}

std::vector<Severity> ReportSeverities(ReportKind kind, std::string_view text) {
  std::vector<Severity> severities;
  const ordered_json json = ordered_json::parse(text, nullptr, false);
  if (json.is_discarded()) return severities;
  auto add = [&](std::string_view name) {
    if (name == "error" || name == "blocker" || name == "critical" || name == "major") {
      severities.push_back(Severity::kError);
    } else if (name == "warning" || name == "minor") {
      severities.push_back(Severity::kWarning);
    } else if (name == "info" || name == "note") {
      severities.push_back(Severity::kInfo);
    }
  };
  if (kind == ReportKind::kJson && json.contains("findings") && json["findings"].is_array()) {
    for (const ordered_json& f : json["findings"]) {
      if (f.is_object() && f.contains("severity") && f["severity"].is_string())
        add(f["severity"].get<std::string>());
    }
  } else if (kind == ReportKind::kSarif) {
    if (const ordered_json* run = FirstRun(json); run && run->contains("results")) {
      for (const ordered_json& r : (*run)["results"]) {
        if (r.is_object() && r.contains("level") && r["level"].is_string())
          add(r["level"].get<std::string>());
      }
    }
  } else if (kind == ReportKind::kGitlab && json.is_array()) {
    for (const ordered_json& issue : json) {
      if (issue.is_object() && issue.contains("severity") && issue["severity"].is_string())
        add(issue["severity"].get<std::string>());
    }
  }
  return severities;
}

}  // namespace syncgate::reporters
