#include "reporters/report_util.h"

#include <algorithm>

namespace syncgate::reporters {

std::vector<std::string> CheckedFiles(const RunResult& result) {
  std::vector<std::string> files;
  files.reserve(result.sources.size());
  for (const auto& [path, source] : result.sources) files.push_back(path);
  for (const Finding& f : result.findings) files.push_back(f.file);
  std::sort(files.begin(), files.end());
  files.erase(std::unique(files.begin(), files.end()), files.end());
  return files;
}

std::vector<std::string> RunLevelErrors(const RunResult& result) {
  std::vector<std::string> errors;
  for (const std::string& error : result.errors) {
    const bool told_at_file =
        std::any_of(result.skipped.begin(), result.skipped.end(),
                    [&](const SkippedFile& s) { return s.is_error && s.reason == error; });
    if (!told_at_file) errors.push_back(error);
  }
  return errors;
}

bool IsToolFailure(const Finding& finding) { return finding.rule == kInternalError; }

size_t Utf8SequenceLength(std::string_view text, size_t i, uint32_t* code_point) {
  const unsigned char lead = static_cast<unsigned char>(text[i]);
  const size_t len = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC2 ? 2 : 0;
  if (len == 0 || lead > 0xF4 || i + len > text.size()) return 0;
  uint32_t cp = len == 1 ? lead : lead & (0xFF >> (len + 1));
  for (size_t k = 1; k < len; ++k) {
    const unsigned char next = static_cast<unsigned char>(text[i + k]);
    if ((next & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (next & 0x3F);
  }
  const bool overlong = (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000);
  if (overlong || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) return 0;
  if (code_point) *code_point = cp;
  return len;
}

std::string PrintableText(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    uint32_t cp = 0;
    const size_t len = Utf8SequenceLength(text, i, &cp);
    const bool control =
        cp < 0x20 ? cp != '\t' && cp != '\n' : cp == 0x7F || (cp >= 0x80 && cp < 0xA0);
    if (len == 0 || control) {
      out += "\xEF\xBF\xBD";  // U+FFFD
      i += len == 0 ? 1 : len;
      continue;
    }
    out.append(text.substr(i, len));
    i += len;
  }
  return out;
}

std::string EscapeMarkup(std::string_view text, Markup where) {
  const bool attribute = where == Markup::kAttribute;
  const bool html = where == Markup::kHtml;
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += attribute || html ? "&quot;" : "\"";
        break;
      case '\'':
        out += attribute ? "&apos;" : html ? "&#39;" : "'";
        break;
      case '\n':
        out += attribute ? "&#10;" : "\n";
        break;
      case '\r':
        out += html ? "\r" : "&#13;";
        break;
      case '\t':
        out += attribute ? "&#9;" : "\t";
        break;
      default:
        out += c;
    }
  }
  return out;
}

}  // namespace syncgate::reporters
