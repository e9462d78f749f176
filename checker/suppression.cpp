#include "checker/suppression.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "checker/rule.h"
#include "checker/text_util.h"

namespace syncgate {

void ParseSuppressionText(std::string_view text, Suppression& s) {
  const size_t dashes = text.find("--");
  std::string_view ids = Trim(text.substr(0, dashes));
  if (dashes == std::string_view::npos || Trim(text.substr(dashes + 2)).empty()) {
    s.problem = "suppression without a reason: write '<rule-id> -- <why this is acceptable>'";
  } else {
    s.reason = std::string(Trim(text.substr(dashes + 2)));
  }
  for (std::string_view id : Split(ids, ',')) {
    // Ids are separated by commas; tolerate spaces after them.
    for (std::string_view part : Split(Trim(id), ' ')) {
      if (!Trim(part).empty()) s.rule_ids.emplace_back(Trim(part));
    }
  }
  if (s.rule_ids.empty() && s.problem.empty()) {
    s.problem = "suppression names no rule: write '<rule-id> -- <reason>'";
  }
}

std::vector<Suppression> CollectSuppressions(const FileUnit& file) {
  std::vector<Suppression> out;
  static constexpr std::string_view kMarker = "syncgate:ignore";
  const std::string& text = file.source->text();
  for (size_t at = text.find(kMarker); at != std::string::npos; at = text.find(kMarker, at + 1)) {
    const Position pos = file.source->PositionOfOffset(at);
    const std::string_view line = file.source->Line(pos.line);
    const size_t marker_col = static_cast<size_t>(pos.column - 1);
    // Must be a comment: '#' then only spaces up to the marker.
    const size_t hash = line.rfind('#', marker_col);
    if (hash == std::string_view::npos ||
        !Trim(line.substr(hash + 1, marker_col - hash - 1)).empty()) {
      continue;
    }
    Suppression s;
    s.file = file.input.display_path;
    s.pos = {pos.line, static_cast<int>(hash) + 1};
    const bool alone = Trim(line.substr(0, hash)).empty();
    s.first_line = pos.line;
    s.last_line = alone ? pos.line + 1 : pos.line;
    ParseSuppressionText(line.substr(marker_col + kMarker.size()), s);
    out.push_back(std::move(s));
  }
  return out;
}

void AddAnnotationSuppressions(const Document& doc, std::vector<Suppression>& out) {
  if (!Intersects(doc.kind(), kAnyObject)) return;
  const Node* annotations = doc.root().Path({"metadata", "annotations"});
  if (!annotations) return;
  const Node* value = annotations->Get(kIgnoreAnnotation);
  if (!value) return;
  Suppression s;
  s.file = doc.source().path();
  s.pos = value->pos;
  s.document = doc.index();
  ParseSuppressionText(value->Text(), s);
  out.push_back(std::move(s));
}

void ApplySuppressions(std::vector<Suppression>& suppressions,
                       const std::vector<std::string_view>& known_rule_ids,
                       const std::vector<std::string_view>& active_rule_ids,
                       std::vector<Finding>& findings, int& suppressed_count) {
  if (suppressions.empty()) return;
  std::map<std::string_view, std::vector<Suppression*>> by_file;
  for (Suppression& s : suppressions) {
    if (!s.problem.empty()) continue;
    for (const std::string& id : s.rule_ids) {
      if (std::find(known_rule_ids.begin(), known_rule_ids.end(), id) == known_rule_ids.end()) {
        s.problem =
            fmt::format("suppression of unknown rule '{}'{}", id, DidYouMean(id, known_rule_ids));
        break;
      }
    }
    if (s.problem.empty()) by_file[s.file].push_back(&s);
  }
  auto matches = [](const Suppression& s, const Finding& f) {
    if (std::find(s.rule_ids.begin(), s.rule_ids.end(), f.rule) == s.rule_ids.end()) return false;
    if (s.document >= 0) return f.document == s.document && !f.object.empty();
    return f.line >= s.first_line && f.line <= s.last_line;
  };
  std::vector<Finding> kept;
  kept.reserve(findings.size());
  for (Finding& f : findings) {
    bool suppressed = false;
    if (auto it = by_file.find(f.file); it != by_file.end()) {
      for (Suppression* s : it->second) {
        if (matches(*s, f)) {
          s->used = true;
          suppressed = true;
        }
      }
    }
    if (suppressed) {
      ++suppressed_count;
    } else {
      kept.push_back(std::move(f));
    }
  }
  findings = std::move(kept);
  auto all_active = [&](const Suppression& s) {
    return std::all_of(s.rule_ids.begin(), s.rule_ids.end(), [&](const std::string& id) {
      return std::find(active_rule_ids.begin(), active_rule_ids.end(), id) != active_rule_ids.end();
    });
  };
  for (const Suppression& s : suppressions) {
    if (s.used || (s.problem.empty() && !all_active(s))) continue;
    Finding f;
    f.file = s.file;
    f.line = s.pos.line;
    f.column = s.pos.column;
    f.document = std::max(s.document, 0);
    if (!s.problem.empty()) {
      f.rule = std::string(kSuppressionInvalid);
      f.severity = Severity::kError;
      f.message = s.problem;
    } else {
      f.rule = std::string(kSuppressionUnused);
      f.severity = Severity::kWarning;
      std::string ids;
      for (const std::string& id : s.rule_ids) ids += (ids.empty() ? "" : ",") + id;
      f.message = fmt::format("suppression of {} matches no finding; remove it", ids);
    }
    findings.push_back(std::move(f));
  }
}

}  // namespace syncgate
