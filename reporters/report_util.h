#pragma once
// Helpers the file-based formats (sarif, junit, markdown, the checklist) share: which files a run
// covered, which tool errors are not already told as a skipped file, and text made safe for them.
//
//   for (const std::string& path : CheckedFiles(result)) StartTestcase(path);
//   for (const std::string& error : RunLevelErrors(result)) ReportToolError(error);
//   out << "<td>" << EscapeMarkup(PrintableText(f.message), Markup::kHtml) << "</td>";

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "checker/engine.h"

namespace syncgate::reporters {

/// Every file the run loaded, plus any file a finding names that was not loaded (a config
/// file, say); sorted, no duplicates. Skipped files are not in it.
std::vector<std::string> CheckedFiles(const RunResult& result);

/// `result.errors` without the ones that repeat a skipped file's reason (the engine records an
/// unreadable file both as skipped and as an error; formats show it once, at the file).
std::vector<std::string> RunLevelErrors(const RunResult& result);

/// Findings of the engine's own `internal-error` rule are failures of the tool, not of the input.
bool IsToolFailure(const Finding& finding);

/// Length of the well-formed UTF-8 sequence at `text[i]` (1-4), or 0 when it is not one
/// (a stray continuation byte, an overlong form, a surrogate, past U+10FFFF, cut short).
size_t Utf8SequenceLength(std::string_view text, size_t i, uint32_t* code_point = nullptr);

/// `text` safe to embed in a document meant for people: invalid UTF-8 and control characters
/// (other than tab and newline) become U+FFFD, so no escape sequence from an input file reaches
/// a terminal or a rendered comment.
std::string PrintableText(std::string_view text);

/// Where escaped text goes in a markup document; what must become an entity differs.
enum class Markup {
  kText,       // element content (XML, HTML): & < >, and CR as &#13; (XML folds CR LF to LF)
  kAttribute,  // an XML attribute value: also " ' (&quot; &apos;), and tab, newline and CR as
               // character references, which attribute-value normalisation keeps
  kHtml,       // HTML text or a quoted attribute alike: & < > " and ' as &#39;; white space as is
};

/// `text` with the characters markup gives meaning to written as entities. Only escapes: the
/// caller decides what to do with characters the format cannot carry (PrintableText).
std::string EscapeMarkup(std::string_view text, Markup where);

}  // namespace syncgate::reporters
