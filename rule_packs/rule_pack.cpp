#include "rule_packs/rule_pack.h"

#include <fmt/format.h>
#include <re2/re2.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "checker/finding.h"
#include "checker/text_util.h"
#include "model/pod_spec.h"

namespace syncgate {

// Generated from rules/packs/*.yaml by cmake/embed_files.cmake.
const std::vector<std::pair<std::string_view, std::string_view>>& EmbeddedRulePacks();

namespace {
namespace fs = std::filesystem;

enum class Op {
  kExists,
  kAbsent,
  kEquals,
  kOneOf,
  kNotOneOf,
  kMatches,
  kNotMatches,
  kGt,
  kGte,
  kLt,
  kLte
};

struct OpName {
  std::string_view name;
  Op op;
};
constexpr OpName kOps[] = {{"exists", Op::kExists},
                           {"absent", Op::kAbsent},
                           {"equals", Op::kEquals},
                           {"one-of", Op::kOneOf},
                           {"not-one-of", Op::kNotOneOf},
                           {"matches", Op::kMatches},
                           {"not-matches", Op::kNotMatches},
                           {"gt", Op::kGt},
                           {"gte", Op::kGte},
                           {"lt", Op::kLt},
                           {"lte", Op::kLte}};

struct Assertion {
  std::string path;                 // as written, for messages
  bool pod = false;                 // starts at the workload's pod spec ($pod)
  std::vector<std::string> tokens;  // unescaped; "*" is every element
  Op op = Op::kExists;
  std::vector<std::string> values;  // equals (one), one-of, not-one-of
  std::shared_ptr<RE2> regex;       // matches, not-matches
  double number = 0;                // gt, gte, lt, lte
  std::string option;               // operand overridable from .syncgate.yaml
};

struct Match {
  std::vector<std::string> api_versions, kinds, namespaces;
  std::vector<std::pair<std::string, std::string>> labels;
};

/// `*` matches any run of characters (slashes included), `?` one character.
bool WildMatch(std::string_view pattern, std::string_view text) {
  if (pattern.empty()) return text.empty();
  if (pattern[0] == '*') {
    for (size_t i = 0; i <= text.size(); ++i) {
      if (WildMatch(pattern.substr(1), text.substr(i))) return true;
    }
    return false;
  }
  return !text.empty() && (pattern[0] == '?' || pattern[0] == text[0]) &&
         WildMatch(pattern.substr(1), text.substr(1));
}

bool AnyWild(const std::vector<std::string>& patterns, std::string_view text) {
  if (patterns.empty()) return true;
  return std::any_of(patterns.begin(), patterns.end(),
                     [&](const std::string& p) { return WildMatch(p, text); });
}

std::optional<double> ParseNumber(std::string_view text) {
  const std::string s(Trim(text));
  if (s.empty()) return std::nullopt;
  char* end = nullptr;
  const double value = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size()) return std::nullopt;
  return value;
}

struct Hit {
  const Node* node;  // null: the path does not exist
  std::string pointer;
};

/// Expands `tokens` from `node`: `*` visits every element; a missing step ends in a null hit
/// whose pointer runs up to the next wildcard.
void Expand(const Node* node, const std::vector<std::string>& tokens, size_t i,
            const std::string& pointer, std::vector<Hit>& out) {
  if (i == tokens.size()) {
    out.push_back({node, pointer});
    return;
  }
  if (!node) {
    std::string rest = pointer;
    for (; i < tokens.size() && tokens[i] != "*"; ++i) rest = JoinPointer(rest, tokens[i]);
    out.push_back({nullptr, rest});
    return;
  }
  const Node& n = node->Resolved();
  if (tokens[i] == "*") {
    if (n.kind == NodeKind::kSequence) {
      for (size_t k = 0; k < n.items.size(); ++k) {
        Expand(n.items[k], tokens, i + 1, pointer + "/" + std::to_string(k), out);
      }
    } else if (n.kind == NodeKind::kMapping) {
      for (const MapEntry& entry : n.entries) {
        Expand(entry.value, tokens, i + 1, JoinPointer(pointer, entry.key->value), out);
      }
    }
    return;
  }
  const Node* next = nullptr;
  if (n.kind == NodeKind::kMapping) {
    next = n.Get(tokens[i]);
  } else if (n.kind == NodeKind::kSequence) {
    const std::string& t = tokens[i];
    if (!t.empty() && std::all_of(t.begin(), t.end(), ::isdigit)) {
      const size_t index = std::stoul(t);
      if (index < n.items.size()) next = n.items[index];
    }
  }
  Expand(next, tokens, i + 1, JoinPointer(pointer, tokens[i]), out);
}

class PackRule final : public Rule {
 public:
  PackRule(std::string id, std::string summary, std::string rationale, std::string remediation,
           std::string message, Severity severity, Match match, std::vector<Assertion> asserts)
      : id_(std::move(id)),
        summary_(std::move(summary)),
        rationale_(std::move(rationale)),
        remediation_(std::move(remediation)),
        message_(std::move(message)),
        match_(std::move(match)),
        asserts_(std::move(asserts)) {
    meta_ = RuleMeta{
        id_,      summary_,   rationale_,          remediation_,
        severity, kAnyObject, RuleScope::kDocument};  // a pack rule matches one document at a time
  }

  const RuleMeta& meta() const override { return meta_; }

  Status Configure(const Node* options) override {
    if (!options || options->IsNull()) return Ok{};
    if (!options->IsMap()) return Unexpected("options must be a map");
    for (const MapEntry& entry : options->Resolved().entries) {
      bool used = false;
      for (Assertion& a : asserts_) {
        if (a.option != entry.key->value) continue;
        used = true;
        if (Status set = SetOperand(a, *entry.value); !set) return set;
      }
      if (!used) {
        std::vector<std::string_view> names;
        for (const Assertion& a : asserts_) {
          if (!a.option.empty()) names.push_back(a.option);
        }
        return Unexpected(fmt::format(
            "unknown option '{}'{}", entry.key->value,
            names.empty() ? " (this rule takes none)" : DidYouMean(entry.key->value, names)));
      }
    }
    return Ok{};
  }

  void CheckDocument(const Document& doc, RuleContext& ctx) const override {
    if (!Selects(doc)) return;
    for (const Assertion& a : asserts_) {
      const Node* start = &doc.root();
      std::string base;
      if (a.pod) {
        base = std::string(model::PodSpecPointer(doc.object().kind));
        if (base.empty()) continue;
        start = doc.Find(base);
        if (!start) continue;
      }
      std::vector<Hit> hits;
      Expand(start, a.tokens, 0, base, hits);
      for (const Hit& hit : hits) {
        std::string detail = Failure(doc, a, hit);
        if (detail.empty()) continue;
        ctx.Report(hit.pointer,
                   message_.empty() ? detail : fmt::format("{} ({})", message_, detail));
      }
    }
  }

  /// Sets an assertion's operand from YAML, validating it. Used by the loader and Configure.
  static Status SetOperand(Assertion& a, const Node& value) {
    switch (a.op) {
      case Op::kExists:
      case Op::kAbsent:
        if (value.Text() != "true" && value.Text() != "false") {
          return Unexpected("expected true or false");
        }
        if (value.Text() == "false") a.op = a.op == Op::kExists ? Op::kAbsent : Op::kExists;
        return Ok{};
      case Op::kEquals:
        if (!value.IsScalar()) return Unexpected("equals takes a single value");
        a.values = {std::string(value.Text())};
        return Ok{};
      case Op::kOneOf:
      case Op::kNotOneOf:
        a.values.clear();
        if (value.IsScalar()) {
          a.values.emplace_back(value.Text());
          return Ok{};
        }
        if (!value.IsSeq()) return Unexpected("expected a list of values");
        for (const Node* item : value.Resolved().items) {
          if (!item->IsScalar()) return Unexpected("list entries must be plain values");
          a.values.emplace_back(item->Text());
        }
        return Ok{};
      case Op::kMatches:
      case Op::kNotMatches: {
        if (!value.IsScalar()) return Unexpected("expected a regular expression");
        RE2::Options options;
        options.set_log_errors(false);
        auto regex = std::make_shared<RE2>(std::string(value.Text()), options);
        if (!regex->ok()) {
          return Unexpected(
              fmt::format("invalid regular expression '{}': {}", value.Text(), regex->error()));
        }
        a.regex = std::move(regex);
        return Ok{};
      }
      default: {
        std::optional<double> number = value.IsScalar() ? ParseNumber(value.Text()) : std::nullopt;
        if (!number) return Unexpected(fmt::format("expected a number, not '{}'", value.Text()));
        a.number = *number;
        return Ok{};
      }
    }
  }

 private:
  bool Selects(const Document& doc) const {
    const ObjectRef& object = doc.object();
    if (object.kind.empty()) return false;
    if (!AnyWild(match_.api_versions, object.api_version) || !AnyWild(match_.kinds, object.kind) ||
        !AnyWild(match_.namespaces, object.ns)) {
      return false;
    }
    const Node* labels = doc.root().Path({"metadata", "labels"});
    for (const auto& [key, pattern] : match_.labels) {
      const Node* value = labels && labels->IsMap() ? labels->Get(key) : nullptr;
      if (!value || !WildMatch(pattern, value->Text())) return false;
    }
    return true;
  }

  /// What is wrong at `hit`, or empty when the assertion holds.
  static std::string Failure(const Document& doc, const Assertion& a, const Hit& hit) {
    if (a.op == Op::kExists) {
      return hit.node ? "" : fmt::format("{} is missing", hit.pointer);
    }
    if (!hit.node) return "";  // value tests skip absent paths
    if (a.op == Op::kAbsent) return fmt::format("{} must not be set", hit.pointer);
    // Never echo a Secret's values.
    const std::string_view raw = hit.node->Text();
    const std::string shown = doc.object().kind == "Secret" ? Redact(raw) : std::string(raw);
    const bool listed = std::find(a.values.begin(), a.values.end(), raw) != a.values.end();
    switch (a.op) {
      case Op::kEquals:
        return listed ? ""
                      : fmt::format("{} is '{}', expected '{}'", hit.pointer, shown, a.values[0]);
      case Op::kOneOf:
        return listed ? ""
                      : fmt::format("{} is '{}', not one of: {}", hit.pointer, shown,
                                    fmt::join(a.values, ", "));
      case Op::kNotOneOf:
        return listed ? fmt::format("{} must not be '{}'", hit.pointer, shown) : "";
      case Op::kMatches:
        return RE2::PartialMatch(raw, *a.regex)
                   ? ""
                   : fmt::format("{} is '{}', which does not match '{}'", hit.pointer, shown,
                                 a.regex->pattern());
      case Op::kNotMatches:
        return RE2::PartialMatch(raw, *a.regex)
                   ? fmt::format("{} is '{}', which matches '{}'", hit.pointer, shown,
                                 a.regex->pattern())
                   : "";
      default:
        break;
    }
    const std::optional<double> number = ParseNumber(raw);
    if (!number) return fmt::format("{} is '{}', not a number", hit.pointer, shown);
    const double n = *number;
    const bool holds = a.op == Op::kGt    ? n > a.number
                       : a.op == Op::kGte ? n >= a.number
                       : a.op == Op::kLt  ? n < a.number
                                          : n <= a.number;
    if (holds) return "";
    const std::string_view relation = a.op == Op::kGt    ? "greater than"
                                      : a.op == Op::kGte ? "at least"
                                      : a.op == Op::kLt  ? "less than"
                                                         : "at most";
    return fmt::format("{} is {}, expected {} {}", hit.pointer, shown, relation, a.number);
  }

  std::string id_, summary_, rationale_, remediation_, message_;
  RuleMeta meta_;
  Match match_;
  std::vector<Assertion> asserts_;
};

// ---------------------------------------------------------------------------------------------
// Loading

class PackParser {
 public:
  explicit PackParser(const SourceFile& source) : source_(source) {}

  Error Fail(const Node& at, std::string_view message) const {
    return Error{fmt::format("{}:{}:{}: {}", source_.path(), at.pos.line, at.pos.column, message)};
  }

  /// Rejects keys outside `allowed`, with a did-you-mean hint.
  Status OnlyKeys(const Node& map, std::vector<std::string_view> allowed,
                  std::string_view what) const {
    for (const MapEntry& entry : map.Resolved().entries) {
      if (std::find(allowed.begin(), allowed.end(), entry.key->value) == allowed.end()) {
        return Unexpected(
            Fail(*entry.key, fmt::format("unknown {} field '{}'{}", what, entry.key->value,
                                         DidYouMean(entry.key->value, allowed))));
      }
    }
    return Ok{};
  }

  Expected<std::vector<std::string>> Strings(const Node& node, std::string_view what) const {
    std::vector<std::string> out;
    if (node.IsScalar() && !node.IsNull()) {
      out.emplace_back(node.Text());
      return out;
    }
    if (!node.IsSeq())
      return Unexpected(Fail(node, fmt::format("{} must be a string or a list", what)));
    for (const Node* item : node.Resolved().items) {
      if (!item->IsScalar())
        return Unexpected(Fail(*item, fmt::format("{} entries must be strings", what)));
      out.emplace_back(item->Text());
    }
    return out;
  }

  Expected<std::string> Text(const Node& rule, std::string_view key, bool required) const {
    const Node* value = rule.Get(key);
    if (!value) {
      if (!required) return std::string();
      return Unexpected(Fail(rule, fmt::format("the rule has no '{}'", key)));
    }
    if (!value->IsScalar() || Trim(value->Text()).empty()) {
      return Unexpected(Fail(*value, fmt::format("'{}' must be a non-empty string", key)));
    }
    return std::string(Trim(value->Text()));
  }

  Expected<Match> ParseMatch(const Node* node) const {
    Match match;
    if (!node) return match;
    if (!node->IsMap()) return Unexpected(Fail(*node, "match must be a map"));
    if (Status ok = OnlyKeys(*node, {"apiVersion", "kind", "namespaces", "labels"}, "match"); !ok) {
      return Unexpected(ok.error());
    }
    for (const auto& [key, target] :
         {std::pair{"apiVersion", &match.api_versions}, std::pair{"kind", &match.kinds},
          std::pair{"namespaces", &match.namespaces}}) {
      if (const Node* value = node->Get(key)) {
        auto list = Strings(*value, key);
        if (!list) return Unexpected(list.error());
        *target = std::move(*list);
      }
    }
    if (const Node* labels = node->Get("labels")) {
      if (!labels->IsMap())
        return Unexpected(Fail(*labels, "labels must map label keys to value globs"));
      for (const MapEntry& entry : labels->Resolved().entries) {
        if (!entry.value->IsScalar())
          return Unexpected(Fail(*entry.value, "a label value must be a string"));
        match.labels.emplace_back(entry.key->value, std::string(entry.value->Text()));
      }
    }
    return match;
  }

  Expected<Assertion> ParseAssertion(const Node& node) const {
    if (!node.IsMap())
      return Unexpected(Fail(node, "an assert entry must be a map with a path and a test"));
    std::vector<std::string_view> allowed = {"path", "option"};
    for (const OpName& op : kOps) allowed.push_back(op.name);
    if (Status ok = OnlyKeys(node, allowed, "assert"); !ok) return Unexpected(ok.error());
    Assertion a;
    const Node* path = node.Get("path");
    if (!path || !path->IsScalar()) return Unexpected(Fail(node, "an assert entry needs a path"));
    if (Status ok = ParsePath(*path, a); !ok) return Unexpected(ok.error());
    const Node* operand = nullptr;
    for (const OpName& op : kOps) {
      const Node* value = node.Get(op.name);
      if (!value) continue;
      if (operand) {
        return Unexpected(Fail(*node.KeyNode(op.name), "an assert entry takes exactly one test"));
      }
      operand = value;
      a.op = op.op;
    }
    if (!operand) {
      return Unexpected(Fail(node,
                             "an assert entry needs a test: exists, absent, equals, one-of, "
                             "not-one-of, matches, not-matches, gt, gte, lt or lte"));
    }
    if (Status ok = PackRule::SetOperand(a, *operand); !ok) {
      return Unexpected(Fail(*operand, ok.error().message));
    }
    if (const Node* option = node.Get("option")) {
      if (!option->IsScalar() || option->Text().empty()) {
        return Unexpected(Fail(*option, "option must name the operand"));
      }
      a.option = option->Text();
    }
    return a;
  }

  /// A JSON pointer, with `*` for every element and an optional leading `$pod`.
  Status ParsePath(const Node& node, Assertion& a) const {
    std::string_view text = node.Text();
    a.path = std::string(text);
    if (StartsWith(text, "$pod")) {
      a.pod = true;
      text.remove_prefix(4);
    }
    if (text.empty() && a.pod) return Ok{};
    if (text.empty() || text[0] != '/') {
      return Unexpected(Fail(node, fmt::format("path '{}' must be a JSON pointer starting with '/' "
                                               "(or '$pod/')",
                                               a.path)));
    }
    for (std::string_view raw : Split(text.substr(1), '/')) {
      std::string token;
      for (size_t i = 0; i < raw.size(); ++i) {
        if (raw[i] != '~') {
          token += raw[i];
        } else if (i + 1 < raw.size() && (raw[i + 1] == '0' || raw[i + 1] == '1')) {
          token += raw[++i] == '0' ? '~' : '/';
        } else {
          return Unexpected(Fail(node, fmt::format("path '{}': '~' must be followed by 0 or 1 "
                                                   "(~0 is '~', ~1 is '/')",
                                                   a.path)));
        }
      }
      if (token.empty()) {
        return Unexpected(Fail(node, fmt::format("path '{}' has an empty segment", a.path)));
      }
      a.tokens.push_back(std::move(token));
    }
    return Ok{};
  }

  Expected<std::unique_ptr<Rule>> ParseRule(const Node& node, std::string_view pack) const {
    if (!node.IsMap()) return Unexpected(Fail(node, "a rule must be a map"));
    if (Status ok = OnlyKeys(
            node,
            {"id", "severity", "summary", "rationale", "remediation", "message", "match", "assert"},
            "rule");
        !ok) {
      return Unexpected(ok.error());
    }
    auto id = Text(node, "id", true);
    if (!id) return Unexpected(id.error());
    static const RE2 kId("[a-z0-9]+(-[a-z0-9]+)+");
    if (!RE2::FullMatch(*id, kId)) {
      return Unexpected(Fail(*node.Get("id"), fmt::format("rule id '{}' must be kebab-case with a "
                                                          "category prefix, e.g. team-owner-label",
                                                          *id)));
    }
    auto severity_text = Text(node, "severity", true);
    if (!severity_text) return Unexpected(severity_text.error());
    std::optional<Severity> severity = ParseSeverity(*severity_text);
    if (!severity) {
      return Unexpected(Fail(*node.Get("severity"), fmt::format("severity must be error, warning "
                                                                "or info, not '{}'",
                                                                *severity_text)));
    }
    auto summary = Text(node, "summary", true);
    if (!summary) return Unexpected(summary.error());
    auto rationale = Text(node, "rationale", true);
    if (!rationale) return Unexpected(rationale.error());
    auto remediation = Text(node, "remediation", true);
    if (!remediation) return Unexpected(remediation.error());
    auto message = Text(node, "message", false);
    if (!message) return Unexpected(message.error());
    auto match = ParseMatch(node.Get("match"));
    if (!match) return Unexpected(match.error());
    const Node* asserts = node.Get("assert");
    if (!asserts || !asserts->IsSeq() || asserts->Resolved().items.empty()) {
      return Unexpected(Fail(asserts ? *asserts : node, "the rule needs an assert list"));
    }
    std::vector<Assertion> parsed;
    for (const Node* item : asserts->Resolved().items) {
      auto a = ParseAssertion(*item);
      if (!a) return Unexpected(a.error());
      parsed.push_back(std::move(*a));
    }
    std::string documented =
        fmt::format("{}\n\nDeclared in the rule pack '{}' ({}).", *rationale, pack, source_.path());
    return std::unique_ptr<Rule>(std::make_unique<PackRule>(*id, *summary, std::move(documented),
                                                            *remediation, *message, *severity,
                                                            std::move(*match), std::move(parsed)));
  }

 private:
  const SourceFile& source_;
};

Expected<std::shared_ptr<const SourceFile>> ReadPack(const Config& config, const std::string& entry,
                                                     Position at) {
  const std::string where = fmt::format("{}:{}:{}", config.path(), at.line, at.column);
  if (StartsWith(entry, "builtin:")) {
    const std::string_view name = std::string_view(entry).substr(8);
    std::vector<std::string_view> names;
    for (const auto& [pack, text] : BuiltinRulePacks()) {
      if (pack == name) return SourceFile::FromText(entry, std::string(text));
      names.push_back(pack);
    }
    return Unexpected(fmt::format("{}: no built-in rule pack '{}' (built-in: {})", where, name,
                                  fmt::join(names, ", ")));
  }
  fs::path path = fs::path(entry);
  if (path.is_relative() && config.root() != ".") path = fs::path(config.root()) / path;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Unexpected(
        fmt::format("{}: cannot read the rule pack {}", where, path.generic_string()));
  }
  std::stringstream text;
  text << in.rdbuf();
  return SourceFile::FromText(path.lexically_normal().generic_string(), text.str());
}

}  // namespace

Expected<RuleList> LoadRulePack(const std::shared_ptr<const SourceFile>& source) {
  PackParser parser(*source);
  LoadResult loaded = LoadYaml(source);
  if (loaded.error) {
    return Unexpected(fmt::format("{}:{}:{}: {}", source->path(), loaded.error->pos.line,
                                  loaded.error->pos.column, loaded.error->message));
  }
  if (loaded.documents.size() != 1 || !loaded.documents[0]->root().IsMap()) {
    return Unexpected(
        fmt::format("{}:1:1: a rule pack is one YAML map with 'pack' and 'rules'", source->path()));
  }
  const Node& root = loaded.documents[0]->root();
  if (Status ok = parser.OnlyKeys(root, {"pack", "description", "rules"}, "pack"); !ok) {
    return Unexpected(ok.error());
  }
  auto name = parser.Text(root, "pack", true);
  if (!name) return Unexpected(name.error());
  const Node* rules = root.Get("rules");
  if (!rules || !rules->IsSeq())
    return Unexpected(parser.Fail(rules ? *rules : root, "'rules' must be a list"));
  RuleList out;
  for (const Node* item : rules->Resolved().items) {
    auto rule = parser.ParseRule(*item, *name);
    if (!rule) return Unexpected(rule.error());
    for (const auto& existing : out) {
      if (existing->meta().id == (*rule)->meta().id) {
        return Unexpected(parser.Fail(*item->Get("id"),
                                      fmt::format("duplicate rule id '{}'", (*rule)->meta().id)));
      }
    }
    out.push_back(std::move(*rule));
  }
  return out;
}

Status AppendRulePacks(const Config& config, RuleList& rules, std::string* identity) {
  const Node* list = config.document() ? config.document()->root().Get("rule_packs") : nullptr;
  for (size_t i = 0; i < config.rule_packs().size(); ++i) {
    const std::string& entry = config.rule_packs()[i];
    Position at;
    if (list && list->IsSeq() && i < list->Resolved().items.size())
      at = list->Resolved().items[i]->pos;
    auto source = ReadPack(config, entry, at);
    if (!source) return Unexpected(source.error());
    if (identity) *identity += fmt::format("pack {}\n{}\n", (*source)->path(), (*source)->text());
    auto pack = LoadRulePack(*source);
    if (!pack) return Unexpected(pack.error());
    for (auto& rule : *pack) {
      for (const auto& existing : rules) {
        if (existing->meta().id == rule->meta().id) {
          return Unexpected(
              fmt::format("{}: rule '{}' is already defined (a built-in rule or "
                          "another pack)",
                          (*source)->path(), rule->meta().id));
        }
      }
      rules.push_back(std::move(rule));
    }
  }
  std::sort(rules.begin(), rules.end(),
            [](const auto& a, const auto& b) { return a->meta().id < b->meta().id; });
  return Ok{};
}

const std::vector<std::pair<std::string_view, std::string_view>>& BuiltinRulePacks() {
  static const auto* packs = [] {
    auto* out = new std::vector<std::pair<std::string_view, std::string_view>>;
    for (const auto& [file, text] : EmbeddedRulePacks()) {
      out->emplace_back(file.substr(0, file.rfind('.')), text);
    }
    return out;
  }();
  return *packs;
}

RuleList BuiltinPackRules() {
  RuleList rules;
  for (const auto& [name, text] : BuiltinRulePacks()) {
    auto pack =
        LoadRulePack(SourceFile::FromText("builtin:" + std::string(name), std::string(text)));
    // A broken built-in pack is a build defect; the rule pack tests load every one of them.
    if (!pack) continue;
    for (auto& rule : *pack) rules.push_back(std::move(rule));
  }
  return rules;
}

}  // namespace syncgate
