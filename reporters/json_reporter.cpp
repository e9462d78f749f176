// json: the stable report of the architecture page (keys in contract order).
#include <nlohmann/json.hpp>

#include "reporters/reporter.h"

namespace syncgate::reporters {

void WriteJson(const RunResult& result, std::ostream& out, const ReportOptions& options) {
  using nlohmann::ordered_json;
  const RunSummary& s = result.summary;
  ordered_json report;
  report["tool"] = {{"name", "syncgate"}, {"version", options.tool_version}};
  report["summary"] = {
      {"files", s.files},
      {"documents", s.documents},
      {"rendered", s.rendered},
      {"skipped", s.skipped},
      {"skipped_by_reason", s.skipped_by_reason},
      {"findings", s.findings},
      {"by_severity",
       {{"error", s.by_severity[2]}, {"warning", s.by_severity[1]}, {"info", s.by_severity[0]}}}};
  ordered_json findings = ordered_json::array();
  for (const Finding& f : result.findings) {
    ordered_json item;
    item["rule"] = f.rule;
    item["severity"] = SeverityName(f.severity);
    item["message"] = f.message;
    item["file"] = f.file;
    item["line"] = f.line;
    item["column"] = f.column;
    item["pointer"] = f.pointer;
    if (!f.object.empty()) {
      item["object"] = {{"apiVersion", f.object.api_version},
                        {"kind", f.object.kind},
                        {"name", f.object.name},
                        {"namespace", f.object.ns}};
    }
    if (f.rendered) {
      item["rendered"] = {{"render", f.rendered->render},
                          {"template", f.rendered->template_path},
                          {"line", f.rendered->line}};
    }
    findings.push_back(std::move(item));
  }
  report["findings"] = std::move(findings);
  // A message quoting invalid UTF-8 from the input must not abort the report: replace it.
  out << report.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
}

}  // namespace syncgate::reporters
