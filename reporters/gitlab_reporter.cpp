// gitlab: GitLab Code Quality (artifacts:reports:codequality), the merge-request widget format.
// A JSON array of issues; GitLab compares them across pipelines by fingerprint and silently drops
// an issue whose fingerprint repeats within one report, so every fingerprint here is unique.
#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <set>

#include "reporters/report_util.h"
#include "reporters/reporter.h"

namespace syncgate::reporters {
namespace {

std::string_view CodeQualitySeverity(const Finding& f) {
  if (IsToolFailure(f)) return "blocker";
  switch (f.severity) {
    case Severity::kError:
      return "major";
    case Severity::kWarning:
      return "minor";
    case Severity::kInfo:
      return "info";
  }
  return "info";
}

}  // namespace

void WriteGitlab(const RunResult& result, std::ostream& out, const ReportOptions& options) {
  (void)options;
  // Findings are sorted, so the n-th finding with a given engine fingerprint stays the n-th
  // when unrelated lines change: deriving "<fingerprint>#n" from it is stable. The first
  // occurrence keeps the engine's fingerprint unchanged.
  std::map<std::string, int, std::less<>> seen;
  std::set<std::string, std::less<>> used;
  for (const Finding& f : result.findings) used.insert(f.fingerprint);
  nlohmann::ordered_json issues = nlohmann::ordered_json::array();
  for (const Finding& f : result.findings) {
    std::string fingerprint = f.fingerprint;
    if (int& count = seen[f.fingerprint]; count++ > 0) {
      int n = count - 1;
      do {
        fingerprint = Fnv1aHex(fmt::format("{}#{}", f.fingerprint, n++));
      } while (used.count(fingerprint));
    }
    used.insert(fingerprint);
    nlohmann::ordered_json issue;
    issue["description"] = f.message;
    issue["check_name"] = f.rule;
    issue["fingerprint"] = fingerprint;
    issue["severity"] = CodeQualitySeverity(f);
    issue["location"] = {{"path", f.file}, {"lines", {{"begin", std::max(f.line, 1)}}}};
    issues.push_back(std::move(issue));
  }
  out << issues.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
}

}  // namespace syncgate::reporters
