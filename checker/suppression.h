#pragma once
// Suppressions, always with a reason:
//   # syncgate:ignore <rule-id>[,<rule-id>] -- <reason>      (on the line, or alone on the line
//   above) metadata.annotations["syncgate.io/ignore"]: "<rule-id>[,<rule-id>] -- <reason>"  (whole
//   object)
// A suppression without a reason, naming an unknown rule, or matching nothing is itself reported.

#include <string>
#include <string_view>
#include <vector>

#include "checker/finding.h"
#include "checker/workspace.h"

namespace syncgate {

inline constexpr std::string_view kIgnoreAnnotation = "syncgate.io/ignore";

struct Suppression {
  std::string file;
  Position pos;        // where it is written
  int first_line = 0;  // lines it covers (comments)
  int last_line = 0;
  int document = -1;  // >= 0: covers the whole document (annotation)
  std::vector<std::string> rule_ids;
  std::string reason;
  std::string problem;  // non-empty: malformed (reported, suppresses nothing)
  bool used = false;
};

/// Parses "<id>[,<id>] -- reason" into `s` (sets s.problem when malformed).
void ParseSuppressionText(std::string_view text, Suppression& s);
/// The `# syncgate:ignore` comments of a file.
std::vector<Suppression> CollectSuppressions(const FileUnit& file);
/// The `syncgate.io/ignore` annotation of a document, if any.
void AddAnnotationSuppressions(const Document& doc, std::vector<Suppression>& out);
/// Removes suppressed findings (counting them) and adds findings for bad or unused suppressions.
/// `known_rule_ids` may be suppressed; only suppressions whose rules all ran (`active_rule_ids`)
/// are reported when unused (a disabled rule finds nothing to suppress).
void ApplySuppressions(std::vector<Suppression>& suppressions,
                       const std::vector<std::string_view>& known_rule_ids,
                       const std::vector<std::string_view>& active_rule_ids,
                       std::vector<Finding>& findings, int& suppressed_count);

}  // namespace syncgate
