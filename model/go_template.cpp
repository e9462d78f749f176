#include "model/go_template.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <memory>

#include "checker/finding.h"
#include "checker/scalar_types.h"
#include "checker/text_util.h"

namespace syncgate::model {

// ---- TemplateValue

TemplateValue TemplateValue::Null() { return TemplateValue(); }
TemplateValue TemplateValue::Missing() {
  TemplateValue v;
  v.kind = Kind::kMissing;
  return v;
}
TemplateValue TemplateValue::Bool(bool b) {
  TemplateValue v;
  v.kind = Kind::kBool;
  v.boolean = b;
  return v;
}
TemplateValue TemplateValue::Number(double n) {
  TemplateValue v;
  v.kind = Kind::kNumber;
  v.number = n;
  return v;
}
TemplateValue TemplateValue::String(std::string s) {
  TemplateValue v;
  v.kind = Kind::kString;
  v.text = std::move(s);
  return v;
}
TemplateValue TemplateValue::List() {
  TemplateValue v;
  v.kind = Kind::kList;
  return v;
}
TemplateValue TemplateValue::Map() {
  TemplateValue v;
  v.kind = Kind::kMap;
  return v;
}

const TemplateValue* TemplateValue::Get(std::string_view key) const {
  if (kind != Kind::kMap) return nullptr;
  for (const Entry& e : entries) {
    if (e.key == key) return &e.value;
  }
  return nullptr;
}

TemplateValue* TemplateValue::Get(std::string_view key) {
  return const_cast<TemplateValue*>(static_cast<const TemplateValue*>(this)->Get(key));
}

TemplateValue& TemplateValue::Set(std::string key, TemplateValue value, ValueOrigin key_origin) {
  kind = Kind::kMap;
  for (Entry& e : entries) {
    if (e.key == key) {
      e.value = std::move(value);
      return e.value;
    }
  }
  entries.push_back({std::move(key), std::move(key_origin), std::move(value)});
  return entries.back().value;
}

void TemplateValue::Erase(std::string_view key) {
  entries.erase(
      std::remove_if(entries.begin(), entries.end(), [&](const Entry& e) { return e.key == key; }),
      entries.end());
}

namespace {

void AddEntries(const Node& map, const std::string& pointer, TemplateValue& out, int depth) {
  if (depth > 64) return;  // a merge-key cycle
  for (const MapEntry& entry : map.entries) {
    const std::string& key = entry.key->Resolved().value;
    if (key == "<<" && entry.key->Resolved().style == ScalarStyle::kPlain) {
      // YAML merge keys: the referenced maps fill keys this map does not set.
      std::vector<const Node*> sources;
      if (entry.value->IsMap()) sources.push_back(&entry.value->Resolved());
      if (entry.value->IsSeq()) {
        for (const Node* item : entry.value->Resolved().items) {
          if (item->IsMap()) sources.push_back(&item->Resolved());
        }
      }
      for (const Node* source : sources) {
        TemplateValue merged = TemplateValue::Map();
        AddEntries(*source, pointer, merged, depth + 1);
        for (TemplateValue::Entry& e : merged.entries) {
          if (!out.Get(e.key)) out.entries.push_back(std::move(e));
        }
      }
      continue;
    }
    const std::string at = JoinPointer(pointer, key);
    TemplateValue value = ValueFromNode(*entry.value, at);
    if (TemplateValue* existing = out.Get(key)) {
      *existing = std::move(value);  // the last duplicate wins, as in Kubernetes
    } else {
      out.entries.push_back({key, {entry.key->pos, at}, std::move(value)});
    }
  }
}

}  // namespace

TemplateValue ValueFromNode(const Node& written_node, const std::string& pointer) {
  const Node& node = written_node.Resolved();
  TemplateValue v;
  v.origin = {written_node.pos, pointer};
  if (node.kind == NodeKind::kMapping) {
    v.kind = TemplateValue::Kind::kMap;
    AddEntries(node, pointer, v, 0);
    return v;
  }
  if (node.kind == NodeKind::kSequence) {
    v.kind = TemplateValue::Kind::kList;
    for (size_t i = 0; i < node.items.size(); ++i) {
      v.items.push_back(ValueFromNode(*node.items[i], pointer + "/" + std::to_string(i)));
    }
    return v;
  }
  // A scalar, typed as go-yaml (YAML 1.1) types it: ArgoCD reads the ApplicationSet that way.
  const Yaml11Scalar typed = ReadYaml11(node);
  switch (typed.type) {
    case ScalarType::kNull:
      v.kind = TemplateValue::Kind::kNull;
      break;
    case ScalarType::kBool:
      v.kind = TemplateValue::Kind::kBool;
      v.boolean = typed.boolean;
      break;
    case ScalarType::kInt:
    case ScalarType::kFloat:
      v.kind = TemplateValue::Kind::kNumber;
      v.number = typed.number;
      v.text = node.value;
      break;
    case ScalarType::kString:
      v.kind = TemplateValue::Kind::kString;
      v.text = node.value;
      v.literal_block = node.style == ScalarStyle::kLiteral;
      break;
  }
  return v;
}

// ---- Go formatting

namespace {

/// Shortest decimal digits and exponent of `v` (v = 0.d1d2d3... × 10^dp).
struct Digits {
  std::string digits;
  int dp = 0;
};

Digits ShortestDigits(double v) {
  char buf[64];
  auto [end, ec] =
      std::to_chars(buf, buf + sizeof(buf), std::fabs(v), std::chars_format::scientific);
  std::string s(buf, ec == std::errc() ? end : buf);
  Digits d;
  const size_t e = s.find('e');
  const std::string mantissa = s.substr(0, e);
  int exp = e == std::string::npos ? 0 : std::atoi(s.c_str() + e + 1);
  for (char c : mantissa) {
    if (c != '.') d.digits += c;
  }
  while (d.digits.size() > 1 && d.digits.back() == '0') d.digits.pop_back();
  d.dp = exp + 1;
  return d;
}

std::string FormatE(bool neg, const Digits& d, bool json) {
  std::string out = neg ? "-" : "";
  out += d.digits[0];
  if (d.digits.size() > 1) out += "." + d.digits.substr(1);
  const int exp = d.digits == "0" ? 0 : d.dp - 1;
  out += exp < 0 ? "e-" : "e+";
  std::string e = std::to_string(std::abs(exp));
  if (e.size() < 2 && !json) e = "0" + e;  // Go's %e: at least two exponent digits
  out += e;
  return out;
}

std::string FormatF(bool neg, const Digits& d) {
  std::string out = neg ? "-" : "";
  if (d.dp <= 0) {
    out += "0." + std::string(static_cast<size_t>(-d.dp), '0') + d.digits;
  } else if (static_cast<size_t>(d.dp) >= d.digits.size()) {
    out += d.digits + std::string(static_cast<size_t>(d.dp) - d.digits.size(), '0');
  } else {
    out += d.digits.substr(0, d.dp) + "." + d.digits.substr(d.dp);
  }
  return out;
}

/// strconv.FormatFloat(v, 'g', -1, 64): what %v prints for a float64.
std::string GoFloat(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  const bool neg = std::signbit(v);
  if (v == 0) return neg ? "-0" : "0";
  const Digits d = ShortestDigits(v);
  const int exp = d.dp - 1;
  if (exp < -4 || exp >= 6) return FormatE(neg, d, false);
  return FormatF(neg, d);
}

/// encoding/json's float64: 'f' unless the magnitude is below 1e-6 or at least 1e21.
std::string JsonFloat(double v) {
  if (!std::isfinite(v)) return "null";
  const bool neg = std::signbit(v) && v != 0;
  if (v == 0) return "0";
  const Digits d = ShortestDigits(v);
  const double abs = std::fabs(v);
  if (abs < 1e-6 || abs >= 1e21) return FormatE(neg, d, true);
  return FormatF(neg, d);
}

/// Go's strconv.Quote for the ASCII escapes; other UTF-8 is kept as it is.
std::string GoQuote(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\a':
        out += "\\a";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\v':
        out += "\\v";
        break;
      default:
        if (c < 0x20 || c == 0x7f) {
          out += fmt::format("\\x{:02x}", c);
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

std::vector<const TemplateValue::Entry*> SortedEntries(const TemplateValue& map) {
  std::vector<const TemplateValue::Entry*> sorted;
  for (const auto& e : map.entries) sorted.push_back(&e);
  std::sort(sorted.begin(), sorted.end(), [](auto* a, auto* b) { return a->key < b->key; });
  return sorted;
}

}  // namespace

std::string GoPrint(const TemplateValue& v) {
  switch (v.kind) {
    case TemplateValue::Kind::kMissing:
      return "<no value>";
    case TemplateValue::Kind::kNull:
      return "<nil>";
    case TemplateValue::Kind::kBool:
      return v.boolean ? "true" : "false";
    case TemplateValue::Kind::kNumber:
      return v.integer ? fmt::format("{}", static_cast<long long>(v.number)) : GoFloat(v.number);
    case TemplateValue::Kind::kString:
      return v.text;
    case TemplateValue::Kind::kList: {
      std::string out = "[";
      for (size_t i = 0; i < v.items.size(); ++i) {
        if (i) out += ' ';
        out += GoPrint(v.items[i]);
      }
      return out + "]";
    }
    case TemplateValue::Kind::kMap: {
      std::string out = "map[";
      bool first = true;
      for (const auto* e : SortedEntries(v)) {
        if (!first) out += ' ';
        first = false;
        out += e->key + ":" + GoPrint(e->value);
      }
      return out + "]";
    }
  }
  return "";
}

void AppendGoJsonString(std::string& out, std::string_view s) {
  out += '"';
  for (size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '<':
      case '>':
      case '&':
        out += fmt::format("\\u{:04x}", c);  // encoding/json escapes HTML by default
        break;
      default:
        if (c < 0x20) {
          out += fmt::format("\\u{:04x}", c);
        } else if (c == 0xE2 && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x80 &&
                   (static_cast<unsigned char>(s[i + 2]) == 0xA8 ||
                    static_cast<unsigned char>(s[i + 2]) == 0xA9)) {
          out += static_cast<unsigned char>(s[i + 2]) == 0xA8 ? "\\u2028" : "\\u2029";
          i += 2;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
}

namespace {

void AppendJson(std::string& out, const TemplateValue& v) {
  switch (v.kind) {
    case TemplateValue::Kind::kMissing:
    case TemplateValue::Kind::kNull:
      out += "null";
      return;
    case TemplateValue::Kind::kBool:
      out += v.boolean ? "true" : "false";
      return;
    case TemplateValue::Kind::kNumber:
      out += JsonFloat(v.number);
      return;
    case TemplateValue::Kind::kString:
      AppendGoJsonString(out, v.text);
      return;
    case TemplateValue::Kind::kList:
      out += '[';
      for (size_t i = 0; i < v.items.size(); ++i) {
        if (i) out += ',';
        AppendJson(out, v.items[i]);
      }
      out += ']';
      return;
    case TemplateValue::Kind::kMap: {
      out += '{';
      bool first = true;
      for (const auto* e : SortedEntries(v)) {
        if (!first) out += ',';
        first = false;
        AppendGoJsonString(out, e->key);
        out += ':';
        AppendJson(out, e->value);
      }
      out += '}';
      return;
    }
  }
}

}  // namespace

std::string GoJson(const TemplateValue& value) {
  std::string out;
  AppendJson(out, value);
  return out;
}

std::string SanitizeName(std::string_view name) {
  std::string out;
  for (char c : name) {
    const char l = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if ((l >= 'a' && l <= 'z') || (l >= '0' && l <= '9') || l == '-' || l == '.') {
      out += l;
    } else if (static_cast<unsigned char>(c) >= 0x80) {
      // Go's regexp works on runes: one '-' per UTF-8 character, not per byte.
      if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) out += '-';
    } else {
      out += '-';
    }
  }
  if (out.size() > 253) out.resize(253);
  const size_t begin = out.find_first_not_of("-.");
  if (begin == std::string::npos) return "";
  const size_t end = out.find_last_not_of("-.");
  return out.substr(begin, end - begin + 1);
}

// ---- fasttemplate

TemplateResult RenderFastTemplate(std::string_view tmpl, const TemplateValue& params) {
  TemplateResult result;
  // ArgoCD only touches strings that match `.*{{.*}}.*`: a `{{` and a later `}}` on one line.
  bool templated = false;
  for (std::string_view line : Split(tmpl, '\n')) {
    const size_t open = line.find("{{");
    if (open != std::string_view::npos && line.find("}}", open + 2) != std::string_view::npos) {
      templated = true;
      break;
    }
  }
  if (!templated) {
    result.text = std::string(tmpl);
    return result;
  }
  size_t pos = 0;
  while (true) {
    const size_t open = tmpl.find("{{", pos);
    if (open == std::string_view::npos) {
      result.text.append(tmpl.substr(pos));
      break;
    }
    result.text.append(tmpl.substr(pos, open - pos));
    const size_t close = tmpl.find("}}", open + 2);
    if (close == std::string_view::npos) {
      result.ok = false;
      result.error = fmt::format("invalid template: cannot find end tag \"}}}}\" in '{}'", tmpl);
      return result;
    }
    const std::string_view tag = tmpl.substr(open + 2, close - open - 2);
    const TemplateValue* value = params.Get(Trim(tag));
    if (Trim(tag).empty() || !value || !value->IsString()) {
      result.text += "{{" + std::string(tag) + "}}";
    } else {
      result.text += value->text;
    }
    pos = close + 2;
  }
  return result;
}

// ---- Go text/template

namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool IsIdentStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool IsIdentChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

struct Token {
  enum class Type {
    kField,     // .a.b
    kVariable,  // $x.a
    kDot,       // .
    kIdent,     // a function name or keyword
    kString,
    kNumber,
    kLParen,
    kRParen,  // `fields`: a chain directly after it, `(pipe).a`
    kPipe,
    kDeclare,
    kAssign,
    kComma,
  };
  Type type;
  std::string text;
  std::vector<std::string> fields;
  double number = 0;
  bool integer = false;
};

struct Pipeline;

struct Operand {
  enum class Kind { kDot, kField, kVariable, kString, kNumber, kBool, kNil, kFunction, kPipeline };
  Kind kind = Kind::kNil;
  std::string name;                 // variable or function name
  std::vector<std::string> fields;  // the chain after the dot, variable or pipeline
  std::string text;
  double number = 0;
  bool integer = false;
  bool boolean = false;
  std::shared_ptr<Pipeline> pipe;
};

struct Command {
  std::vector<Operand> operands;
};

struct Pipeline {
  std::vector<std::string> vars;  // declared or assigned variables
  bool assign = false;            // `=` rather than `:=`
  std::vector<Command> commands;
};

struct TNode {
  enum class Kind { kText, kAction, kIf, kRange, kWith };
  Kind kind = Kind::kText;
  std::string text;
  Pipeline pipe;
  std::vector<TNode> body;
  std::vector<TNode> otherwise;
  std::string source;  // the action as written, for messages
};

/// One `{{ }}` of the template, lexed.
struct Action {
  std::vector<Token> tokens;
  std::string source;
  bool comment = false;
};

struct Piece {
  bool is_action = false;
  std::string text;
  Action action;
};

struct ParseFailure {
  std::string message;
  bool unsupported = false;
};

class Lexer {
 public:
  explicit Lexer(std::string_view text) : s_(text) {}

  /// Splits the template into text and actions, applying `{{-` and `-}}` trimming.
  bool Run(std::vector<Piece>& pieces, ParseFailure& failure) {
    size_t pos = 0;
    bool trim_next = false;
    while (pos <= s_.size()) {
      const size_t open = s_.find("{{", pos);
      std::string text(s_.substr(pos, open == std::string_view::npos ? open : open - pos));
      if (trim_next) {
        const size_t first = text.find_first_not_of(" \t\r\n");
        text = first == std::string::npos ? "" : text.substr(first);
      }
      if (open == std::string_view::npos) {
        if (!text.empty()) pieces.push_back({false, text, {}});
        break;
      }
      size_t i = open + 2;
      if (i + 1 < s_.size() && s_[i] == '-' && IsSpace(s_[i + 1])) {
        const size_t last = text.find_last_not_of(" \t\r\n");
        text = last == std::string::npos ? "" : text.substr(0, last + 1);
        i += 2;
      }
      if (!text.empty()) pieces.push_back({false, text, {}});
      Piece piece;
      piece.is_action = true;
      size_t end = 0;
      bool trim_right = false;
      while (i < s_.size() && IsSpace(s_[i])) ++i;
      if (s_.substr(i, 2) == "/*") {
        const size_t close = s_.find("*/", i + 2);
        if (close == std::string_view::npos) {
          failure.message = "unclosed comment";
          return false;
        }
        i = close + 2;
        while (i < s_.size() && IsSpace(s_[i])) ++i;
        if (s_.substr(i, 1) == "-") {
          trim_right = true;
          ++i;
        }
        if (s_.substr(i, 2) != "}}") {
          failure.message = "comment ends before closing delimiter";
          return false;
        }
        end = i + 2;
        piece.action.comment = true;
      } else if (!LexAction(i, piece.action.tokens, end, trim_right, failure)) {
        return false;
      }
      piece.action.source = std::string(s_.substr(open, end - open));
      pieces.push_back(std::move(piece));
      trim_next = trim_right;
      pos = end;
    }
    return true;
  }

 private:
  bool LexAction(size_t i, std::vector<Token>& out, size_t& end, bool& trim_right,
                 ParseFailure& failure) {
    while (true) {
      while (i < s_.size() && IsSpace(s_[i])) ++i;
      if (i >= s_.size()) {
        failure.message = "unclosed action";
        return false;
      }
      if (s_.substr(i, 2) == "}}") {
        end = i + 2;
        return true;
      }
      if (s_.substr(i, 3) == "-}}" && i > 0 && IsSpace(s_[i - 1])) {
        trim_right = true;
        end = i + 3;
        return true;
      }
      const char c = s_[i];
      if (c == '"' || c == '`') {
        Token t{Token::Type::kString, "", {}, 0, false};
        if (!LexString(i, t.text, failure)) return false;
        out.push_back(std::move(t));
        continue;
      }
      if (c == '\'') {
        failure.message = "character constants are not supported";
        failure.unsupported = true;
        return false;
      }
      if (std::isdigit(static_cast<unsigned char>(c)) ||
          ((c == '-' || c == '+') && i + 1 < s_.size() &&
           std::isdigit(static_cast<unsigned char>(s_[i + 1])))) {
        size_t j = i + 1;
        while (j < s_.size() &&
               (std::isalnum(static_cast<unsigned char>(s_[j])) || s_[j] == '.' || s_[j] == '_' ||
                ((s_[j] == '-' || s_[j] == '+') && (s_[j - 1] == 'e' || s_[j - 1] == 'E')))) {
          ++j;
        }
        const std::string text(s_.substr(i, j - i));
        Token t{Token::Type::kNumber, text, {}, 0, false};
        char* parse_end = nullptr;
        const bool hex =
            text.find("0x") != std::string::npos || text.find("0X") != std::string::npos;
        if (hex) {
          t.number = static_cast<double>(std::strtoll(text.c_str(), &parse_end, 16));
        } else {
          t.number = std::strtod(text.c_str(), &parse_end);
        }
        if (parse_end != text.c_str() + text.size()) {
          failure.message = fmt::format("bad number syntax: '{}'", text);
          return false;
        }
        t.integer = hex || text.find_first_of(".eE") == std::string::npos;
        out.push_back(std::move(t));
        i = j;
        continue;
      }
      if (c == '.') {
        if (i + 1 < s_.size() && IsIdentStart(s_[i + 1])) {
          Token t{Token::Type::kField, "", {}, 0, false};
          i = LexChain(i, t.fields);
          out.push_back(std::move(t));
        } else {
          out.push_back({Token::Type::kDot, ".", {}, 0, false});
          ++i;
        }
        continue;
      }
      if (c == '$') {
        size_t j = i + 1;
        while (j < s_.size() && IsIdentChar(s_[j])) ++j;
        Token t{Token::Type::kVariable, std::string(s_.substr(i, j - i)), {}, 0, false};
        i = LexChain(j, t.fields);
        out.push_back(std::move(t));
        continue;
      }
      if (IsIdentStart(c)) {
        size_t j = i + 1;
        while (j < s_.size() && IsIdentChar(s_[j])) ++j;
        out.push_back({Token::Type::kIdent, std::string(s_.substr(i, j - i)), {}, 0, false});
        i = j;
        continue;
      }
      if (c == '(') {
        out.push_back({Token::Type::kLParen, "(", {}, 0, false});
        ++i;
        continue;
      }
      if (c == ')') {
        Token t{Token::Type::kRParen, ")", {}, 0, false};
        i = LexChain(i + 1, t.fields);
        out.push_back(std::move(t));
        continue;
      }
      if (c == '|') {
        out.push_back({Token::Type::kPipe, "|", {}, 0, false});
        ++i;
        continue;
      }
      if (c == ',') {
        out.push_back({Token::Type::kComma, ",", {}, 0, false});
        ++i;
        continue;
      }
      if (s_.substr(i, 2) == ":=") {
        out.push_back({Token::Type::kDeclare, ":=", {}, 0, false});
        i += 2;
        continue;
      }
      if (c == '=') {
        out.push_back({Token::Type::kAssign, "=", {}, 0, false});
        ++i;
        continue;
      }
      failure.message = fmt::format("unexpected '{}' in action", c);
      return false;
    }
  }

  /// `.a.b.c` right at `i` (nothing when s_[i] is not '.'); returns the index after it.
  size_t LexChain(size_t i, std::vector<std::string>& fields) {
    while (i + 1 < s_.size() && s_[i] == '.' && IsIdentStart(s_[i + 1])) {
      size_t j = i + 1;
      while (j < s_.size() && IsIdentChar(s_[j])) ++j;
      fields.emplace_back(s_.substr(i + 1, j - i - 1));
      i = j;
    }
    return i;
  }

  bool LexString(size_t& i, std::string& out, ParseFailure& failure) {
    const char quote = s_[i++];
    if (quote == '`') {
      const size_t close = s_.find('`', i);
      if (close == std::string_view::npos) {
        failure.message = "unterminated raw quoted string";
        return false;
      }
      out = std::string(s_.substr(i, close - i));
      i = close + 1;
      return true;
    }
    while (i < s_.size() && s_[i] != '"') {
      if (s_[i] == '\n') break;
      if (s_[i] == '\\' && i + 1 < s_.size()) {
        const char e = s_[i + 1];
        switch (e) {
          case 'n':
            out += '\n';
            break;
          case 't':
            out += '\t';
            break;
          case 'r':
            out += '\r';
            break;
          case '\\':
            out += '\\';
            break;
          case '"':
            out += '"';
            break;
          case '\'':
            out += '\'';
            break;
          default:
            failure.message = fmt::format("escape \\{} in a string is not supported", e);
            failure.unsupported = true;
            return false;
        }
        i += 2;
        continue;
      }
      out += s_[i++];
    }
    if (i >= s_.size() || s_[i] != '"') {
      failure.message = "unterminated quoted string";
      return false;
    }
    ++i;
    return true;
  }

  std::string_view s_;
};

/// Builds the tree of nodes from the lexed pieces.
class Parser {
 public:
  explicit Parser(std::vector<Piece> pieces) : pieces_(std::move(pieces)) {}

  bool Run(std::vector<TNode>& out, ParseFailure& failure) {
    std::string stop;
    if (!ParseList(out, stop, failure)) return false;
    if (!stop.empty()) {
      failure.message = fmt::format("unexpected {{{{{}}}}}", stop);
      return false;
    }
    return true;
  }

 private:
  /// Parses nodes until `{{end}}` or `{{else ...}}` (returned in `stop`, with the rest of the
  /// else action in else_tokens_) or the end of the template (stop empty).
  bool ParseList(std::vector<TNode>& out, std::string& stop, ParseFailure& failure) {
    while (next_ < pieces_.size()) {
      Piece& piece = pieces_[next_++];
      if (!piece.is_action) {
        out.push_back({TNode::Kind::kText, piece.text, {}, {}, {}, ""});
        continue;
      }
      if (piece.action.comment) continue;
      std::vector<Token>& tokens = piece.action.tokens;
      if (tokens.empty()) {
        failure.message = "missing value for command";
        return false;
      }
      const Token& first = tokens.front();
      const std::string keyword = first.type == Token::Type::kIdent ? first.text : "";
      if (keyword == "end") {
        stop = "end";
        return true;
      }
      if (keyword == "else") {
        stop = "else";
        else_tokens_.assign(tokens.begin() + 1, tokens.end());
        else_source_ = piece.action.source;
        return true;
      }
      if (keyword == "if" || keyword == "range" || keyword == "with") {
        TNode node;
        node.kind = keyword == "if"      ? TNode::Kind::kIf
                    : keyword == "range" ? TNode::Kind::kRange
                                         : TNode::Kind::kWith;
        node.source = piece.action.source;
        if (!ParseControl(node, std::vector<Token>(tokens.begin() + 1, tokens.end()), failure)) {
          return false;
        }
        out.push_back(std::move(node));
        continue;
      }
      if (keyword == "define" || keyword == "template" || keyword == "block" ||
          keyword == "break" || keyword == "continue") {
        failure.message = fmt::format("{{{{{}}}}} is not supported", keyword);
        failure.unsupported = true;
        return false;
      }
      TNode node;
      node.kind = TNode::Kind::kAction;
      node.source = piece.action.source;
      size_t at = 0;
      if (!ParsePipeline(tokens, at, node.pipe, true, failure)) return false;
      if (at != tokens.size()) {
        failure.message = fmt::format("unexpected '{}' in {}", tokens[at].text, node.source);
        return false;
      }
      out.push_back(std::move(node));
    }
    return true;
  }

  bool ParseControl(TNode& node, std::vector<Token> tokens, ParseFailure& failure) {
    size_t at = 0;
    if (!ParsePipeline(tokens, at, node.pipe, true, failure)) return false;
    if (at != tokens.size()) {
      failure.message = fmt::format("unexpected '{}' in {}", tokens[at].text, node.source);
      return false;
    }
    if (node.pipe.commands.empty()) {
      failure.message = fmt::format("missing value for {}", node.source);
      return false;
    }
    std::string stop;
    if (!ParseList(node.body, stop, failure)) return false;
    if (stop.empty()) {
      failure.message = fmt::format("unexpected EOF: {} has no {{{{end}}}}", node.source);
      return false;
    }
    if (stop == "else") {
      std::vector<Token> rest = std::move(else_tokens_);
      if (!rest.empty() && rest.front().type == Token::Type::kIdent &&
          (rest.front().text == "if" || rest.front().text == "with")) {
        // `{{else if x}}`: an if inside the else branch that shares the `{{end}}`.
        TNode inner;
        inner.kind = rest.front().text == "if" ? TNode::Kind::kIf : TNode::Kind::kWith;
        inner.source = else_source_;
        if (!ParseControl(inner, std::vector<Token>(rest.begin() + 1, rest.end()), failure)) {
          return false;
        }
        node.otherwise.push_back(std::move(inner));
        return true;
      }
      if (!rest.empty()) {
        failure.message = "unexpected tokens after {{else}}";
        return false;
      }
      std::string end;
      if (!ParseList(node.otherwise, end, failure)) return false;
      if (end != "end") {
        failure.message = fmt::format("expected {{{{end}}}} for {}", node.source);
        return false;
      }
    }
    return true;
  }

  bool ParsePipeline(const std::vector<Token>& tokens, size_t& at, Pipeline& pipe, bool allow_decl,
                     ParseFailure& failure) {
    // Declarations: `$x :=`, `$x =`, `$i, $v :=`.
    if (allow_decl && at < tokens.size() && tokens[at].type == Token::Type::kVariable &&
        tokens[at].fields.empty()) {
      size_t look = at;
      std::vector<std::string> vars{tokens[look].text};
      ++look;
      if (look + 1 < tokens.size() && tokens[look].type == Token::Type::kComma &&
          tokens[look + 1].type == Token::Type::kVariable) {
        vars.push_back(tokens[look + 1].text);
        look += 2;
      }
      if (look < tokens.size() && (tokens[look].type == Token::Type::kDeclare ||
                                   tokens[look].type == Token::Type::kAssign)) {
        pipe.vars = vars;
        pipe.assign = tokens[look].type == Token::Type::kAssign;
        at = look + 1;
      }
    }
    while (at < tokens.size()) {
      if (tokens[at].type == Token::Type::kRParen) break;
      Command cmd;
      while (at < tokens.size() && tokens[at].type != Token::Type::kPipe &&
             tokens[at].type != Token::Type::kRParen) {
        Operand op;
        if (!ParseOperand(tokens, at, op, failure)) return false;
        cmd.operands.push_back(std::move(op));
      }
      if (cmd.operands.empty()) {
        failure.message = "missing command in pipeline";
        return false;
      }
      pipe.commands.push_back(std::move(cmd));
      if (at < tokens.size() && tokens[at].type == Token::Type::kPipe) ++at;
    }
    return true;
  }

  bool ParseOperand(const std::vector<Token>& tokens, size_t& at, Operand& op,
                    ParseFailure& failure) {
    const Token& t = tokens[at++];
    switch (t.type) {
      case Token::Type::kField:
        op.kind = Operand::Kind::kField;
        op.fields = t.fields;
        return true;
      case Token::Type::kDot:
        op.kind = Operand::Kind::kDot;
        return true;
      case Token::Type::kVariable:
        op.kind = Operand::Kind::kVariable;
        op.name = t.text;
        op.fields = t.fields;
        return true;
      case Token::Type::kString:
        op.kind = Operand::Kind::kString;
        op.text = t.text;
        return true;
      case Token::Type::kNumber:
        op.kind = Operand::Kind::kNumber;
        op.number = t.number;
        op.integer = t.integer;
        return true;
      case Token::Type::kIdent:
        if (t.text == "true" || t.text == "false") {
          op.kind = Operand::Kind::kBool;
          op.boolean = t.text == "true";
        } else if (t.text == "nil") {
          op.kind = Operand::Kind::kNil;
        } else {
          op.kind = Operand::Kind::kFunction;
          op.name = t.text;
        }
        return true;
      case Token::Type::kLParen: {
        op.kind = Operand::Kind::kPipeline;
        op.pipe = std::make_shared<Pipeline>();
        if (!ParsePipeline(tokens, at, *op.pipe, true, failure)) return false;
        if (at >= tokens.size() || tokens[at].type != Token::Type::kRParen) {
          failure.message = "unclosed left paren";
          return false;
        }
        op.fields = tokens[at].fields;
        ++at;
        return true;
      }
      default:
        failure.message = fmt::format("unexpected '{}' in operand", t.text);
        return false;
    }
  }

  std::vector<Piece> pieces_;
  size_t next_ = 0;
  std::vector<Token> else_tokens_;
  std::string else_source_;
};

using Kind = TemplateValue::Kind;

bool Truth(const TemplateValue& v) {
  switch (v.kind) {
    case Kind::kMissing:
    case Kind::kNull:
      return false;
    case Kind::kBool:
      return v.boolean;
    case Kind::kNumber:
      return v.number != 0;
    case Kind::kString:
      return !v.text.empty();
    case Kind::kList:
      return !v.items.empty();
    case Kind::kMap:
      return !v.entries.empty();
  }
  return false;
}

/// sprig's empty.
bool Empty(const TemplateValue& v) { return !Truth(v); }

/// sprig's strval: a string as it is, anything else as %v prints it.
std::string StrVal(const TemplateValue& v) { return v.IsString() ? v.text : GoPrint(v); }

TemplateValue Integer(double n) {
  TemplateValue v = TemplateValue::Number(n);
  v.integer = true;
  return v;
}
bool IsGoInt(const TemplateValue& v) { return v.kind == Kind::kNumber && v.integer; }

std::string GoTypeName(const TemplateValue& v) {
  switch (v.kind) {
    case Kind::kMissing:
      return "<nil>";
    case Kind::kNull:
      return "interface {}";
    case Kind::kBool:
      return "bool";
    case Kind::kNumber:
      return IsGoInt(v) ? "int" : "float64";
    case Kind::kString:
      return "string";
    case Kind::kList:
      return "[]interface {}";
    case Kind::kMap:
      return "map[string]interface {}";
  }
  return "";
}

class Executor {
 public:
  Executor(const TemplateValue& data, const GoTemplateOptions& options) : options_(options) {
    vars_.emplace_back("$", data);
  }

  bool Run(const std::vector<TNode>& nodes, const TemplateValue& dot, std::string& out) {
    for (const TNode& node : nodes) {
      if (!RunNode(node, dot, out)) return false;
    }
    return true;
  }

  std::string error;
  bool unsupported = false;

 private:
  bool Fail(std::string message, bool not_implemented = false) {
    if (error.empty()) {
      error = std::move(message);
      unsupported = not_implemented;
    }
    return false;
  }

  bool RunNode(const TNode& node, const TemplateValue& dot, std::string& out) {
    if (++steps_ > 200000) return Fail("the template runs too long", true);
    switch (node.kind) {
      case TNode::Kind::kText:
        out += node.text;
        return true;
      case TNode::Kind::kAction: {
        source_ = node.source;
        TemplateValue v;
        if (!EvalPipeline(node.pipe, dot, v)) return false;
        if (node.pipe.vars.empty()) out += GoPrint(v);
        return true;
      }
      case TNode::Kind::kIf:
      case TNode::Kind::kWith: {
        source_ = node.source;
        const size_t mark = vars_.size();
        TemplateValue v;
        if (!EvalPipeline(node.pipe, dot, v)) return false;
        bool ok = true;
        if (Truth(v)) {
          ok = Run(node.body, node.kind == TNode::Kind::kWith ? v : dot, out);
        } else {
          ok = Run(node.otherwise, dot, out);
        }
        vars_.resize(mark);
        return ok;
      }
      case TNode::Kind::kRange:
        return RunRange(node, dot, out);
    }
    return true;
  }

  bool RunRange(const TNode& node, const TemplateValue& dot, std::string& out) {
    source_ = node.source;
    const size_t mark = vars_.size();
    Pipeline pipe = node.pipe;
    const std::vector<std::string> names = pipe.vars;
    pipe.vars.clear();  // range assigns the element, not the collection
    TemplateValue v;
    if (!EvalPipeline(pipe, dot, v)) return false;
    auto iterate = [&](const TemplateValue& key, const TemplateValue& element) {
      vars_.resize(mark);
      if (names.size() == 1) vars_.emplace_back(names[0], element);
      if (names.size() == 2) {
        vars_.emplace_back(names[0], key);
        vars_.emplace_back(names[1], element);
      }
      return Run(node.body, element, out);
    };
    bool any = false;
    if (v.kind == Kind::kList) {
      for (size_t i = 0; i < v.items.size(); ++i) {
        any = true;
        if (!iterate(Integer(static_cast<double>(i)), v.items[i])) return false;
      }
    } else if (v.kind == Kind::kMap) {
      for (const auto* e : SortedEntries(v)) {
        any = true;
        if (!iterate(TemplateValue::String(e->key), e->value)) return false;
      }
    } else if (v.kind == Kind::kNumber) {
      return Fail(fmt::format("range over a number in {} is not supported", node.source), true);
    } else if (!v.IsNullish()) {
      return Fail(fmt::format("range can't iterate over {}", GoPrint(v)));
    }
    vars_.resize(mark);
    bool ok = true;
    if (!any) ok = Run(node.otherwise, dot, out);
    vars_.resize(mark);
    return ok;
  }

  bool EvalPipeline(const Pipeline& pipe, const TemplateValue& dot, TemplateValue& result) {
    if (pipe.commands.empty()) return Fail(fmt::format("missing value in {}", source_));
    std::optional<TemplateValue> piped;
    for (const Command& cmd : pipe.commands) {
      TemplateValue v;
      if (!EvalCommand(cmd, dot, piped, v)) return false;
      piped = std::move(v);
    }
    result = std::move(*piped);
    for (const std::string& name : pipe.vars) {
      if (pipe.assign) {
        auto it = std::find_if(vars_.rbegin(), vars_.rend(),
                               [&](const auto& p) { return p.first == name; });
        if (it == vars_.rend()) return Fail(fmt::format("undefined variable: {}", name));
        it->second = result;
      } else {
        vars_.emplace_back(name, result);
      }
    }
    return true;
  }

  bool EvalCommand(const Command& cmd, const TemplateValue& dot,
                   const std::optional<TemplateValue>& piped, TemplateValue& out) {
    const Operand& first = cmd.operands.front();
    if (first.kind == Operand::Kind::kFunction) {
      std::vector<TemplateValue> args;
      for (size_t i = 1; i < cmd.operands.size(); ++i) {
        TemplateValue a;
        if (!EvalOperand(cmd.operands[i], dot, a)) return false;
        args.push_back(std::move(a));
      }
      if (piped) args.push_back(*piped);
      return Call(first.name, args, out);
    }
    if (cmd.operands.size() > 1 || piped) {
      return Fail(fmt::format("can't give argument to non-function in {}", source_));
    }
    return EvalOperand(first, dot, out);
  }

  bool EvalOperand(const Operand& op, const TemplateValue& dot, TemplateValue& out) {
    switch (op.kind) {
      case Operand::Kind::kDot:
        out = dot;
        return true;
      case Operand::Kind::kField:
        return Chain(dot, op.fields, out);
      case Operand::Kind::kVariable: {
        auto it = std::find_if(vars_.rbegin(), vars_.rend(),
                               [&](const auto& p) { return p.first == op.name; });
        if (it == vars_.rend()) return Fail(fmt::format("undefined variable: {}", op.name));
        return Chain(it->second, op.fields, out);
      }
      case Operand::Kind::kString:
        out = TemplateValue::String(op.text);
        return true;
      case Operand::Kind::kNumber:
        out = op.integer ? Integer(op.number) : TemplateValue::Number(op.number);
        return true;
      case Operand::Kind::kBool:
        out = TemplateValue::Bool(op.boolean);
        return true;
      case Operand::Kind::kNil:
        return Fail(fmt::format("nil is not a command in {}", source_));
      case Operand::Kind::kFunction: {
        std::vector<TemplateValue> none;
        return Call(op.name, none, out);
      }
      case Operand::Kind::kPipeline: {
        const size_t mark = vars_.size();
        TemplateValue v;
        if (!EvalPipeline(*op.pipe, dot, v)) return false;
        vars_.resize(mark);
        return Chain(v, op.fields, out);
      }
    }
    return false;
  }

  /// `.a.b` below `value`, as text/template evaluates fields of map[string]interface{}.
  bool Chain(const TemplateValue& value, const std::vector<std::string>& fields,
             TemplateValue& out) {
    const TemplateValue* at = &value;
    TemplateValue holder;
    for (const std::string& field : fields) {
      switch (at->kind) {
        case Kind::kMissing:
          if (options_.missing_key_error) {
            return Fail(fmt::format("nil data; no entry for key \"{}\" in {}", field, source_));
          }
          holder = TemplateValue::Missing();
          at = &holder;
          continue;
        case Kind::kNull:
          return Fail(
              fmt::format("nil pointer evaluating interface {{}}.{} in {}", field, source_));
        case Kind::kMap:
          if (const TemplateValue* next = at->Get(field)) {
            at = next;
            continue;
          }
          if (options_.missing_key_error) {
            return Fail(fmt::format("map has no entry for key \"{}\" in {}", field, source_));
          }
          holder = TemplateValue::Missing();
          at = &holder;
          continue;
        default:
          return Fail(fmt::format("can't evaluate field {} in type {} in {}", field,
                                  GoTypeName(*at), source_));
      }
    }
    out = *at;
    return true;
  }

  // ---- Functions: Go's builtins and the sprig functions ArgoCD's templates commonly use.

  bool Str(const std::vector<TemplateValue>& args, size_t i, const std::string& fn,
           std::string& out) {
    if (i >= args.size()) return Fail(fmt::format("wrong number of args for {}", fn));
    const TemplateValue& v = args[i];
    if (!v.IsString()) {
      return Fail(fmt::format("{}: wrong type for value; expected string; got {} in {}", fn,
                              GoTypeName(v), source_));
    }
    out = v.text;
    return true;
  }

  bool Int(const std::vector<TemplateValue>& args, size_t i, const std::string& fn, long& out) {
    if (i >= args.size()) return Fail(fmt::format("wrong number of args for {}", fn));
    if (!IsGoInt(args[i])) {
      return Fail(fmt::format("{}: wrong type for value; expected int; got {} in {}", fn,
                              GoTypeName(args[i]), source_));
    }
    out = static_cast<long>(args[i].number);
    return true;
  }

  bool Arity(const std::vector<TemplateValue>& args, size_t n, const std::string& fn) {
    if (args.size() != n) {
      return Fail(fmt::format("wrong number of args for {}: want {} got {}", fn, n, args.size()));
    }
    return true;
  }

  /// Go's eq for basic kinds: an invalid side compares unequal, different kinds are an error.
  bool Equal(const TemplateValue& a, const TemplateValue& b, bool& equal) {
    equal = false;
    if (a.IsNullish() || b.IsNullish()) return true;
    auto basic = [](const TemplateValue& v) {
      if (v.kind == Kind::kNumber) return IsGoInt(v) ? 1 : 2;
      if (v.kind == Kind::kBool) return 3;
      if (v.kind == Kind::kString) return 4;
      return 0;
    };
    const int ka = basic(a), kb = basic(b);
    if (ka == 0 || kb == 0) return Fail(fmt::format("invalid type for comparison in {}", source_));
    if (ka != kb) return Fail(fmt::format("incompatible types for comparison in {}", source_));
    if (ka <= 2) equal = a.number == b.number;
    if (ka == 3) equal = a.boolean == b.boolean;
    if (ka == 4) equal = a.text == b.text;
    return true;
  }

  bool Less(const TemplateValue& a, const TemplateValue& b, bool& less) {
    if (a.kind == Kind::kNumber && b.kind == Kind::kNumber && IsGoInt(a) == IsGoInt(b)) {
      less = a.number < b.number;
      return true;
    }
    if (a.IsString() && b.IsString()) {
      less = a.text < b.text;
      return true;
    }
    return Fail(fmt::format("incompatible types for comparison in {}", source_));
  }

  bool Call(const std::string& fn, std::vector<TemplateValue>& args, TemplateValue& out) {
    std::string s, t, u;
    long n = 0;
    if (fn == "default") {
      if (args.empty()) return Fail("wrong number of args for default");
      out = args.size() < 2 || Empty(args[1]) ? args[0] : args[1];
      return true;
    }
    if (fn == "empty") {
      if (!Arity(args, 1, fn)) return false;
      out = TemplateValue::Bool(Empty(args[0]));
      return true;
    }
    if (fn == "coalesce") {
      out = TemplateValue::Null();
      for (const TemplateValue& a : args) {
        if (!Empty(a)) {
          out = a;
          break;
        }
      }
      return true;
    }
    if (fn == "ternary") {
      if (!Arity(args, 3, fn)) return false;
      if (args[2].kind != Kind::kBool) return Fail("ternary: the condition must be a bool");
      out = args[2].boolean ? args[0] : args[1];
      return true;
    }
    if (fn == "lower" || fn == "upper" || fn == "title" || fn == "trim" || fn == "normalize" ||
        fn == "b64enc" || fn == "sha256sum" || fn == "trimSpace") {
      if (!Arity(args, 1, fn) || !Str(args, 0, fn, s)) return false;
      std::string r;
      if (fn == "lower") {
        r = ToLower(s);
      } else if (fn == "upper") {
        for (char c : s) r += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      } else if (fn == "title") {
        bool start = true;
        for (char c : s) {
          const bool letter = std::isalnum(static_cast<unsigned char>(c)) || c == '_' ||
                              static_cast<unsigned char>(c) >= 0x80;
          r += start && letter ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
          start = !letter;
        }
      } else if (fn == "trim" || fn == "trimSpace") {
        r = std::string(Trim(s));
      } else if (fn == "normalize") {
        r = SanitizeName(s);
      } else if (fn == "b64enc") {
        static const char* kAlphabet =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        size_t i = 0;
        for (; i + 2 < s.size(); i += 3) {
          const uint32_t x = (static_cast<unsigned char>(s[i]) << 16) |
                             (static_cast<unsigned char>(s[i + 1]) << 8) |
                             static_cast<unsigned char>(s[i + 2]);
          for (int k = 18; k >= 0; k -= 6) r += kAlphabet[(x >> k) & 63];
        }
        if (i + 1 == s.size()) {
          const uint32_t x = static_cast<unsigned char>(s[i]) << 16;
          r += kAlphabet[(x >> 18) & 63];
          r += kAlphabet[(x >> 12) & 63];
          r += "==";
        } else if (i + 2 == s.size()) {
          const uint32_t x = (static_cast<unsigned char>(s[i]) << 16) |
                             (static_cast<unsigned char>(s[i + 1]) << 8);
          r += kAlphabet[(x >> 18) & 63];
          r += kAlphabet[(x >> 12) & 63];
          r += kAlphabet[(x >> 6) & 63];
          r += '=';
        }
      } else {
        r = Sha256Hex(s);
      }
      out = TemplateValue::String(std::move(r));
      return true;
    }
    if (fn == "trimPrefix" || fn == "trimSuffix" || fn == "trimAll" || fn == "contains" ||
        fn == "hasPrefix" || fn == "hasSuffix" || fn == "splitList") {
      if (!Arity(args, 2, fn) || !Str(args, 0, fn, s) || !Str(args, 1, fn, t)) return false;
      if (fn == "trimPrefix") {
        out = TemplateValue::String(StartsWith(t, s) ? t.substr(s.size()) : t);
      } else if (fn == "trimSuffix") {
        out = TemplateValue::String(EndsWith(t, s) ? t.substr(0, t.size() - s.size()) : t);
      } else if (fn == "trimAll") {
        const size_t b = t.find_first_not_of(s);
        const size_t e = t.find_last_not_of(s);
        out = TemplateValue::String(b == std::string::npos ? "" : t.substr(b, e - b + 1));
      } else if (fn == "contains") {
        out = TemplateValue::Bool(t.find(s) != std::string::npos);
      } else if (fn == "hasPrefix") {
        out = TemplateValue::Bool(StartsWith(t, s));
      } else if (fn == "hasSuffix") {
        out = TemplateValue::Bool(EndsWith(t, s));
      } else {
        out = TemplateValue::List();
        if (s.empty()) {
          for (char c : t) out.items.push_back(TemplateValue::String(std::string(1, c)));
        } else {
          size_t pos = 0;
          while (true) {
            const size_t at = t.find(s, pos);
            out.items.push_back(TemplateValue::String(t.substr(pos, at - pos)));
            if (at == std::string::npos) break;
            pos = at + s.size();
          }
        }
      }
      return true;
    }
    if (fn == "replace") {
      if (!Arity(args, 3, fn) || !Str(args, 0, fn, s) || !Str(args, 1, fn, t) ||
          !Str(args, 2, fn, u)) {
        return false;
      }
      std::string r;
      if (s.empty()) {
        // strings.Replace with an empty old string inserts `new` around every character.
        r = t;
        for (char c : u) r += std::string(1, c) + t;
      } else {
        size_t pos = 0;
        while (true) {
          const size_t at = u.find(s, pos);
          r += u.substr(pos, at - pos);
          if (at == std::string::npos) break;
          r += t;
          pos = at + s.size();
        }
      }
      out = TemplateValue::String(std::move(r));
      return true;
    }
    if (fn == "trunc") {
      if (!Arity(args, 2, fn) || !Int(args, 0, fn, n) || !Str(args, 1, fn, s)) return false;
      const long len = static_cast<long>(s.size());
      if (n < 0 && len + n > 0) {
        s = s.substr(static_cast<size_t>(len + n));
      } else if (n >= 0 && len > n) {
        s = s.substr(0, static_cast<size_t>(n));
      }
      out = TemplateValue::String(std::move(s));
      return true;
    }
    if (fn == "indent" || fn == "nindent") {
      if (!Arity(args, 2, fn) || !Int(args, 0, fn, n) || !Str(args, 1, fn, s)) return false;
      const std::string pad(static_cast<size_t>(std::max(0L, n)), ' ');
      std::string r = pad;
      for (char c : s) {
        r += c;
        if (c == '\n') r += pad;
      }
      out = TemplateValue::String(fn == "nindent" ? "\n" + r : r);
      return true;
    }
    if (fn == "quote" || fn == "squote" || fn == "cat") {
      std::string r;
      for (const TemplateValue& a : args) {
        if (a.IsNullish()) continue;
        if (!r.empty()) r += ' ';
        r += fn == "quote"    ? GoQuote(StrVal(a))
             : fn == "squote" ? "'" + StrVal(a) + "'"
                              : StrVal(a);
      }
      out = TemplateValue::String(std::move(r));
      return true;
    }
    if (fn == "toJson" || fn == "toString" || fn == "toRawJson") {
      if (!Arity(args, 1, fn)) return false;
      if (fn == "toRawJson") return Fail("toRawJson is not supported", true);
      out = TemplateValue::String(fn == "toJson" ? GoJson(args[0]) : StrVal(args[0]));
      return true;
    }
    if (fn == "print") {
      std::string r;
      for (size_t i = 0; i < args.size(); ++i) {
        // fmt.Sprint adds a space between operands when neither is a string.
        if (i > 0 && !args[i].IsString() && !args[i - 1].IsString()) r += ' ';
        r += GoPrint(args[i]);
      }
      out = TemplateValue::String(std::move(r));
      return true;
    }
    if (fn == "printf") {
      if (args.empty() || !Str(args, 0, fn, s)) return false;
      return Printf(s, args, out);
    }
    if (fn == "len") {
      if (!Arity(args, 1, fn)) return false;
      const TemplateValue& a = args[0];
      if (a.IsString()) {
        out = Integer(static_cast<double>(a.text.size()));
      } else if (a.IsList()) {
        out = Integer(static_cast<double>(a.items.size()));
      } else if (a.IsMap()) {
        out = Integer(static_cast<double>(a.entries.size()));
      } else {
        return Fail(fmt::format("len of type {} in {}", GoTypeName(a), source_));
      }
      return true;
    }
    if (fn == "index") {
      if (args.empty()) return Fail("wrong number of args for index");
      TemplateValue at = args[0];
      for (size_t i = 1; i < args.size(); ++i) {
        const TemplateValue& key = args[i];
        if (at.IsList()) {
          if (key.kind != Kind::kNumber) {
            return Fail(
                fmt::format("cannot index slice with type {} in {}", GoTypeName(key), source_));
          }
          const double k = key.number;
          if (k < 0 || k >= static_cast<double>(at.items.size()) || k != std::floor(k)) {
            return Fail(fmt::format("error calling index: index out of range: {} in {}",
                                    GoPrint(key), source_));
          }
          TemplateValue next = at.items[static_cast<size_t>(k)];
          at = std::move(next);
        } else if (at.IsMap()) {
          if (!key.IsString()) {
            return Fail(
                fmt::format("value has type {}; should be string in {}", GoTypeName(key), source_));
          }
          const TemplateValue* next = at.Get(key.text);
          TemplateValue copy = next ? *next : TemplateValue::Null();
          at = std::move(copy);
        } else if (at.IsNullish()) {
          return Fail(fmt::format("error calling index: index of untyped nil in {}", source_));
        } else {
          return Fail(fmt::format("can't index item of type {} in {}", GoTypeName(at), source_));
        }
      }
      out = std::move(at);
      return true;
    }
    if (fn == "eq" || fn == "ne") {
      if (args.size() < 2) return Fail(fmt::format("missing argument for comparison in {}", fn));
      bool any = false;
      for (size_t i = 1; i < args.size() && !any; ++i) {
        bool equal = false;
        if (!Equal(args[0], args[i], equal)) return false;
        any = equal;
      }
      if (fn == "ne" && args.size() != 2) return Fail("wrong number of args for ne");
      out = TemplateValue::Bool(fn == "eq" ? any : !any);
      return true;
    }
    if (fn == "lt" || fn == "le" || fn == "gt" || fn == "ge") {
      if (!Arity(args, 2, fn)) return false;
      bool less = false, equal = false;
      if (!Less(args[0], args[1], less) || !Equal(args[0], args[1], equal)) return false;
      const bool r = fn == "lt"   ? less
                     : fn == "le" ? less || equal
                     : fn == "gt" ? !less && !equal
                                  : !less;
      out = TemplateValue::Bool(r);
      return true;
    }
    if (fn == "and" || fn == "or") {
      if (args.empty()) return Fail(fmt::format("wrong number of args for {}", fn));
      for (const TemplateValue& a : args) {
        out = a;
        if ((fn == "and") != Truth(a)) return true;
      }
      return true;
    }
    if (fn == "not") {
      if (!Arity(args, 1, fn)) return false;
      out = TemplateValue::Bool(!Truth(args[0]));
      return true;
    }
    if (fn == "join") {
      if (!Arity(args, 2, fn) || !Str(args, 0, fn, s)) return false;
      std::string r;
      bool first = true;
      auto add = [&](const TemplateValue& v) {
        if (v.IsNullish()) return;
        if (!first) r += s;
        first = false;
        r += StrVal(v);
      };
      if (args[1].IsList()) {
        for (const TemplateValue& v : args[1].items) add(v);
      } else {
        add(args[1]);
      }
      out = TemplateValue::String(std::move(r));
      return true;
    }
    if (fn == "list") {
      out = TemplateValue::List();
      out.items = args;
      return true;
    }
    if (fn == "dict") {
      out = TemplateValue::Map();
      for (size_t i = 0; i < args.size(); i += 2) {
        const std::string key = StrVal(args[i]);
        out.Set(key, i + 1 < args.size() ? args[i + 1] : TemplateValue::String(""));
      }
      return true;
    }
    if (fn == "hasKey") {
      if (!Arity(args, 2, fn) || !Str(args, 1, fn, s)) return false;
      if (!args[0].IsMap()) return Fail("hasKey: wrong type for value; expected map");
      out = TemplateValue::Bool(args[0].Get(s) != nullptr);
      return true;
    }
    if (fn == "first" || fn == "last") {
      if (!Arity(args, 1, fn)) return false;
      if (!args[0].IsList())
        return Fail(fmt::format("{}: cannot find {} on type {}", fn, fn, GoTypeName(args[0])));
      const auto& items = args[0].items;
      out = items.empty() ? TemplateValue::Null() : fn == "first" ? items.front() : items.back();
      return true;
    }
    if (fn == "required") {
      if (!Arity(args, 2, fn) || !Str(args, 0, fn, s)) return false;
      if (args[1].IsNullish() || (args[1].IsString() && args[1].text.empty())) return Fail(s);
      out = args[1];
      return true;
    }
    if (fn == "int" || fn == "atoi") {
      if (!Arity(args, 1, fn)) return false;
      const TemplateValue& a = args[0];
      double v = 0;
      if (a.kind == Kind::kNumber) {
        v = std::trunc(a.number);
      } else if (a.IsString()) {
        char* end = nullptr;
        const long long parsed = std::strtoll(a.text.c_str(), &end, 10);
        if (end == a.text.c_str() + a.text.size() && !a.text.empty())
          v = static_cast<double>(parsed);
      } else if (a.kind == Kind::kBool) {
        v = a.boolean ? 1 : 0;
      }
      out = Integer(v);
      return true;
    }
    return Fail(fmt::format("function \"{}\" is not implemented by syncgate's template engine", fn),
                true);
  }

  /// fmt.Sprintf for the verbs templates use: %s %v %d %q %t %f %x %%.
  bool Printf(const std::string& format, const std::vector<TemplateValue>& args,
              TemplateValue& out) {
    std::string r;
    size_t next = 1;
    for (size_t i = 0; i < format.size(); ++i) {
      if (format[i] != '%') {
        r += format[i];
        continue;
      }
      size_t j = i + 1;
      std::string precision;
      if (j < format.size() && format[j] == '.') {
        ++j;
        while (j < format.size() && std::isdigit(static_cast<unsigned char>(format[j]))) {
          precision += format[j++];
        }
      }
      if (j >= format.size()) {
        r += "%!(NOVERB)";
        break;
      }
      const char verb = format[j];
      i = j;
      if (verb == '%') {
        r += '%';
        continue;
      }
      if (next >= args.size()) {
        r += fmt::format("%!{}(MISSING)", verb);
        continue;
      }
      const TemplateValue& a = args[next++];
      switch (verb) {
        case 'v':
          r += GoPrint(a);
          break;
        case 's':
          r += a.IsString() || a.IsList() || a.IsMap() || a.IsNullish() || a.kind == Kind::kBool
                   ? (a.IsString() ? a.text : GoPrint(a))
                   : fmt::format("%!s({}={})", GoTypeName(a), GoPrint(a));
          break;
        case 'q':
          if (!a.IsString()) return Fail(fmt::format("printf %q of a {}", GoTypeName(a)), true);
          r += GoQuote(a.text);
          break;
        case 'd':
          if (IsGoInt(a)) {
            r += fmt::format("{}", static_cast<long long>(a.number));
          } else {
            r += fmt::format("%!d({}={})", GoTypeName(a), GoPrint(a));
          }
          break;
        case 't':
          r += a.kind == Kind::kBool ? GoPrint(a)
                                     : fmt::format("%!t({}={})", GoTypeName(a), GoPrint(a));
          break;
        case 'f':
          if (a.kind != Kind::kNumber || IsGoInt(a)) {
            r += fmt::format("%!f({}={})", GoTypeName(a), GoPrint(a));
          } else {
            r += fmt::format("{:.{}f}", a.number, precision.empty() ? 6 : std::stoi(precision));
          }
          break;
        case 'x':
          if (a.IsString()) {
            for (unsigned char c : a.text) r += fmt::format("{:02x}", c);
          } else if (IsGoInt(a)) {
            r += fmt::format("{:x}", static_cast<long long>(a.number));
          } else {
            return Fail("printf %x of a float is not supported", true);
          }
          break;
        default:
          return Fail(fmt::format("printf verb %{} is not supported", verb), true);
      }
    }
    if (next < args.size()) {
      r += "%!(EXTRA ";
      for (size_t k = next; k < args.size(); ++k) {
        if (k > next) r += ", ";
        r += GoTypeName(args[k]) + "=" + GoPrint(args[k]);
      }
      r += ")";
    }
    out = TemplateValue::String(std::move(r));
    return true;
  }

  const GoTemplateOptions& options_;
  std::vector<std::pair<std::string, TemplateValue>> vars_;
  std::string source_;
  size_t steps_ = 0;
};

}  // namespace

TemplateResult RenderGoTemplate(std::string_view tmpl, const TemplateValue& data,
                                const GoTemplateOptions& options) {
  TemplateResult result;
  if (tmpl.find("{{") == std::string_view::npos) {
    result.text = std::string(tmpl);
    return result;
  }
  std::vector<Piece> pieces;
  ParseFailure failure;
  std::vector<TNode> nodes;
  if (!Lexer(tmpl).Run(pieces, failure) || !Parser(std::move(pieces)).Run(nodes, failure)) {
    result.ok = false;
    result.error = fmt::format("failed to parse template '{}': {}", tmpl, failure.message);
    result.unsupported = failure.unsupported;
    return result;
  }
  Executor exec(data, options);
  if (!exec.Run(nodes, data, result.text)) {
    result.ok = false;
    result.error = fmt::format("failed to execute go template '{}': {}", tmpl, exec.error);
    result.unsupported = exec.unsupported;
    result.text.clear();
  }
  return result;
}

bool TruthOf(const TemplateValue& value) { return Truth(value); }
std::string StrValOf(const TemplateValue& value) { return StrVal(value); }

std::optional<std::vector<std::string>> SoleParameter(std::string_view tmpl, bool go_template) {
  if (!StartsWith(tmpl, "{{") || !EndsWith(tmpl, "}}") || tmpl.size() < 5) return std::nullopt;
  std::string_view inner = tmpl.substr(2, tmpl.size() - 4);
  if (inner.find("{{") != std::string_view::npos || inner.find("}}") != std::string_view::npos) {
    return std::nullopt;
  }
  if (!go_template) {
    inner = Trim(inner);
    if (inner.empty()) return std::nullopt;
    return std::vector<std::string>{std::string(inner)};
  }
  if (StartsWith(inner, "- ")) inner.remove_prefix(2);
  if (EndsWith(inner, " -")) inner.remove_suffix(2);
  inner = Trim(inner);
  if (inner.size() < 2 || inner[0] != '.') return std::nullopt;
  std::vector<std::string> fields;
  for (std::string_view part : Split(inner.substr(1), '.')) {
    if (part.empty() || !IsIdentStart(part[0]) ||
        !std::all_of(part.begin(), part.end(), IsIdentChar)) {
      return std::nullopt;
    }
    fields.emplace_back(part);
  }
  return fields;
}

}  // namespace syncgate::model
