// The answered checklist as Markdown (a merge request comment), HTML (a page to look at) and JSON.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "reporters/checklist.h"
#include "reporters/report_util.h"
#include "reporters/reporter.h"

namespace syncgate::reporters {
namespace {

std::string_view StatusMark(ItemStatus status) {
  switch (status) {
    case ItemStatus::kPass:
      return "✅ pass";
    case ItemStatus::kFail:
      return "❌ fail";
    case ItemStatus::kNotChecked:
      return "⚠️ not checked";
    case ItemStatus::kManual:
      return "☐ by hand";
  }
  return "";
}

std::string Location(const Finding& f) { return fmt::format("{}:{}:{}", f.file, f.line, f.column); }

std::string Html(std::string_view text) { return EscapeMarkup(text, Markup::kHtml); }

/// Markdown table cells: no pipes or newlines.
std::string Cell(std::string_view text) {
  std::string out;
  for (char c : text)
    out += c == '|' ? std::string("\\|") : c == '\n' ? std::string(" ") : std::string(1, c);
  return out;
}

std::string Join(const std::vector<std::string>& items, std::string_view sep) {
  std::string out;
  for (const std::string& s : items) out += (out.empty() ? "" : std::string(sep)) + s;
  return out;
}

std::string StatusClass(ItemStatus status) {
  switch (status) {
    case ItemStatus::kPass:
      return "pass";
    case ItemStatus::kFail:
      return "fail";
    case ItemStatus::kNotChecked:
      return "unchecked";
    case ItemStatus::kManual:
      return "manual";
  }
  return "";
}

constexpr std::string_view kStyle = R"(
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;background:#f6f7f9;color:#1d2330}
header{background:#1d2330;color:#fff;padding:20px 32px}
header h1{margin:0 0 4px;font-size:22px}
header p{margin:0;opacity:.8}
main{padding:16px 32px 48px;max-width:1200px}
h2{font-size:17px;margin:28px 0 10px}
.board{display:grid;grid-template-columns:repeat(auto-fill,minmax(230px,1fr));gap:12px}
.item{background:#fff;border-radius:8px;padding:12px 14px;border-left:6px solid #999;box-shadow:0 1px 2px #0002}
.item h3{margin:0 0 6px;font-size:15px}
.item .status{font-weight:700;text-transform:uppercase;font-size:12px;letter-spacing:.05em}
.item .detail{font-size:13px;color:#4a5160;margin-top:6px}
.item.pass{border-color:#1f9d55}.item.pass .status{color:#1f9d55}
.item.fail{border-color:#d62d20}.item.fail .status{color:#d62d20}
.item.unchecked{border-color:#e3a008}.item.unchecked .status{color:#b7791f}
.item.manual{border-color:#8795a1}.item.manual .status{color:#606f7b}
.item a{color:inherit}
code{font:13px ui-monospace,SFMono-Regular,Menlo,monospace;background:#eef0f3;padding:1px 4px;border-radius:4px}
.finding{background:#fff;border-radius:8px;padding:10px 14px;margin:8px 0;box-shadow:0 1px 2px #0002}
.finding .where{font:13px ui-monospace,Menlo,monospace;color:#4a5160}
.sev{font-size:11px;font-weight:700;text-transform:uppercase;padding:1px 6px;border-radius:4px;color:#fff}
.sev.error{background:#d62d20}.sev.warning{background:#e3a008}.sev.info{background:#3b82f6}
pre{background:#1d2330;color:#e6e9ef;padding:8px 12px;border-radius:6px;overflow-x:auto;margin:8px 0 0}
.summary span{margin-right:16px}
)";

}  // namespace

void WriteChecklistMarkdown(const Checklist& checklist, const RunResult& result,
                            std::ostream& out) {
  out << "## syncgate pre-deployment checklist\n\n";
  out << fmt::format(
      "{} passed, {} failed, {} not checked; {} to check by hand. "
      "{} files, {} documents, {} renders checked.\n\n",
      checklist.passed, checklist.failed, checklist.not_checked, checklist.manual,
      result.summary.files, result.summary.documents, result.summary.rendered);
  out << "| Item | Status | Decided by | Findings |\n|---|---|---|---|\n";
  for (const AnsweredItem& a : checklist.items) {
    if (a.status == ItemStatus::kManual) continue;
    std::string by = a.rules_run.empty() ? "" : "`" + Join(a.item.rules, "`, `") + "`";
    if (!a.note.empty()) by += (by.empty() ? "" : " — ") + a.note;
    out << fmt::format("| {} | {} | {} | {} |\n", Cell(a.item.title), StatusMark(a.status),
                       Cell(by), a.findings.size());
  }
  for (ChecklistPhase phase : {ChecklistPhase::kDeployment, ChecklistPhase::kPostDeployment}) {
    bool header = false;
    for (const AnsweredItem& a : checklist.items) {
      if (a.status != ItemStatus::kManual || a.item.phase != phase) continue;
      if (!header)
        out << fmt::format("\n**{} (by hand, needs the cluster)**\n\n", ChecklistPhaseName(phase));
      header = true;
      out << fmt::format("- [ ] {}: {}\n", a.item.title, a.item.manual);
    }
  }
  for (const AnsweredItem& a : checklist.items) {
    if (a.status != ItemStatus::kFail) continue;
    out << fmt::format("\n### ❌ {}\n\n", a.item.title);
    for (const Finding* f : a.findings) {
      out << fmt::format("- **{}** `{}` {} — {}\n", SeverityName(f->severity), Location(*f),
                         f->rule, f->message);
      if (std::string line = ExcerptLine(result, *f); !line.empty()) {
        out << "  ```yaml\n  " << line << "\n  ```\n";
      }
    }
  }
}

void WriteChecklistHtml(const Checklist& checklist, const RunResult& result, std::ostream& out) {
  out << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
         "<title>syncgate pre-deployment checklist</title>\n<style>"
      << kStyle << "</style></head>\n<body>\n";
  out << fmt::format(
      "<header><h1>Pre-deployment checklist: {}</h1><p class=\"summary\" id=\"summary\">"
      "<span>{} passed</span><span>{} failed</span><span>{} not checked</span>"
      "<span>{} by hand</span><span>{} files, {} documents, {} renders checked</span></p>"
      "</header>\n<main>\n",
      checklist.ok() ? "ready to sync" : "not ready", checklist.passed, checklist.failed,
      checklist.not_checked, checklist.manual, result.summary.files, result.summary.documents,
      result.summary.rendered);
  for (ChecklistPhase phase : {ChecklistPhase::kPreDeployment, ChecklistPhase::kDeployment,
                               ChecklistPhase::kPostDeployment}) {
    out << fmt::format(
        "<h2>{}{}</h2>\n<div class=\"board\" data-phase=\"{}\">\n",
        phase == ChecklistPhase::kPreDeployment ? "Pre-deployment"
        : phase == ChecklistPhase::kDeployment  ? "Deployment"
                                                : "Post-deployment",
        phase == ChecklistPhase::kPreDeployment ? "" : " (by hand, needs the cluster)",
        ChecklistPhaseName(phase));
    for (const AnsweredItem& a : checklist.items) {
      if (a.item.phase != phase) continue;
      out << fmt::format(
          "<div class=\"item {}\" id=\"item-{}\" data-item=\"{}\" data-status=\"{}\">"
          "<h3>{}</h3><div class=\"status\">{}</div>",
          StatusClass(a.status), Html(a.item.id), Html(a.item.id), ItemStatusName(a.status),
          Html(a.item.title), ItemStatusName(a.status));
      if (a.status == ItemStatus::kManual) {
        out << fmt::format("<div class=\"detail\">{}</div>", Html(a.item.manual));
      } else {
        out << fmt::format("<div class=\"detail\">Rules: <code>{}</code></div>",
                           Html(Join(a.item.rules, " ")));
        if (!a.findings.empty()) {
          out << fmt::format(
              "<div class=\"detail\"><a href=\"#findings-{}\">{} finding{}</a></div>",
              Html(a.item.id), a.findings.size(), a.findings.size() == 1 ? "" : "s");
        }
        if (!a.note.empty()) out << fmt::format("<div class=\"detail\">{}</div>", Html(a.note));
      }
      out << "</div>\n";
    }
    out << "</div>\n";
  }
  for (const AnsweredItem& a : checklist.items) {
    if (a.findings.empty()) continue;
    out << fmt::format("<section id=\"findings-{}\"><h2>{}: {}</h2>\n", Html(a.item.id),
                       Html(a.item.title), ItemStatusName(a.status));
    for (const Finding* f : a.findings) {
      out << fmt::format(
          "<div class=\"finding\"><span class=\"sev {0}\">{0}</span> <span "
          "class=\"where\">{1}</span> <code>{2}</code><div>{3}</div>",
          SeverityName(f->severity), Html(Location(*f)), Html(f->rule), Html(f->message));
      if (std::string line = ExcerptLine(result, *f); !line.empty()) {
        out << fmt::format("<pre>{:>5} | {}</pre>", f->line, Html(line));
      }
      out << "</div>\n";
    }
    out << "</section>\n";
  }
  out << "</main>\n</body></html>\n";
}

void WriteChecklistJson(const Checklist& checklist, const RunResult& result, std::ostream& out) {
  nlohmann::ordered_json items = nlohmann::ordered_json::array();
  for (const AnsweredItem& a : checklist.items) {
    nlohmann::ordered_json item;
    item["id"] = a.item.id;
    item["title"] = a.item.title;
    item["phase"] = ChecklistPhaseName(a.item.phase);
    item["status"] = ItemStatusName(a.status);
    if (a.status == ItemStatus::kManual) {
      item["manual"] = a.item.manual;
    } else {
      item["rules"] = a.item.rules;
      item["rules_run"] = a.rules_run;
      item["rules_not_run"] = a.rules_not_run;
      if (!a.note.empty()) item["note"] = a.note;
      nlohmann::ordered_json findings = nlohmann::ordered_json::array();
      for (const Finding* f : a.findings) {
        findings.push_back({{"rule", f->rule},
                            {"severity", SeverityName(f->severity)},
                            {"message", f->message},
                            {"file", f->file},
                            {"line", f->line},
                            {"column", f->column},
                            {"fingerprint", f->fingerprint}});
      }
      item["findings"] = std::move(findings);
    }
    items.push_back(std::move(item));
  }
  nlohmann::ordered_json doc;
  doc["tool"] = {{"name", "syncgate"}, {"version", SYNCGATE_VERSION}};
  doc["summary"] = {{"passed", checklist.passed},
                    {"failed", checklist.failed},
                    {"not_checked", checklist.not_checked},
                    {"manual", checklist.manual},
                    {"ready", checklist.ok()},
                    {"files", result.summary.files},
                    {"rendered", result.summary.rendered}};
  doc["items"] = std::move(items);
  out << doc.dump(2) << "\n";
}

}  // namespace syncgate::reporters
