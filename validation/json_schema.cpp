// The one file that includes valijson: an adapter over our Document nodes, schema normalisation
// (RE2 for `pattern`, Kubernetes' OpenAPI dialect), and valijson's errors turned into pointers.

// valijson reports a schema it cannot use (a dangling $ref, a keyword of the wrong type) by
// throwing only with this set; without it, it prints and aborts the whole run. Every file that
// includes valijson sets it (tests/reporters/reporters_test.cpp too): one version of its inline
// functions per binary.
#define VALIJSON_USE_EXCEPTIONS 1

#include "validation/json_schema.h"

#include <fmt/format.h>
#include <re2/re2.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <set>
#include <string>
#include <unordered_set>
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/constraint_builder.hpp>
#include <valijson/constraints/concrete_constraints.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>
#include <vector>

#include "checker/scalar_types.h"
#include "checker/text_util.h"

namespace syncgate {
namespace {

using json = nlohmann::json;

// ---------------------------------------------------------------------------------------------
// Scalars as Kubernetes reads them (sigs.k8s.io/yaml: go-yaml v2, YAML 1.1).

enum class JType : uint8_t { kNull, kBool, kInt, kDouble, kString, kObject, kArray };

struct Typed {
  JType type = JType::kString;
  int64_t integer = 0;
  double number = 0;
  bool boolean = false;
};

/// The YAML 1.1 reading is checker/scalar_types' (ReadYaml11); here only its JSON type.
Typed TypeScalar(const Node& node) {
  const Yaml11Scalar v = ReadYaml11(node);
  Typed t;
  t.integer = v.integer;
  t.number = v.number;
  t.boolean = v.boolean;
  switch (v.type) {
    case ScalarType::kString:
      t.type = JType::kString;
      break;
    case ScalarType::kNull:
      t.type = JType::kNull;
      break;
    case ScalarType::kBool:
      t.type = JType::kBool;
      break;
    case ScalarType::kInt:
      t.type = JType::kInt;
      break;
    case ScalarType::kFloat:
      t.type = JType::kDouble;
      break;
  }
  return t;
}

JType TypeOf(const Node& node) {
  const Node& r = node.Resolved();
  if (r.kind == NodeKind::kMapping) return JType::kObject;
  if (r.kind == NodeKind::kSequence) return JType::kArray;
  return TypeScalar(r).type;
}

std::string_view JTypeName(JType type) {
  switch (type) {
    case JType::kNull:
      return "null";
    case JType::kBool:
      return "boolean";
    case JType::kInt:
      return "integer";
    case JType::kDouble:
      return "number";
    case JType::kString:
      return "string";
    case JType::kObject:
      return "object";
    case JType::kArray:
      return "array";
  }
  return "string";
}

bool IsMergeKey(const MapEntry& entry) {
  return entry.key->value == "<<" && entry.key->style == ScalarStyle::kPlain;
}

/// Whether validation passes over `entry`: a merge key always, a null member when nulls are
/// read as absent (SchemaDialect::null_is_unset).
bool IsSkipped(const MapEntry& entry, bool skip_null) {
  if (IsMergeKey(entry)) return true;
  if (!skip_null) return false;
  // Asked for every member on every pass over an object: the cheap tests first (a null is a
  // plain `~`, `null`, `Null`, `NULL`, nothing at all, or tagged).
  const Node& value = entry.value->Resolved();
  if (value.kind != NodeKind::kScalar) return false;
  if (value.tag.empty() &&
      (value.style != ScalarStyle::kPlain || (!value.value.empty() && value.value[0] != '~' &&
                                              value.value[0] != 'n' && value.value[0] != 'N'))) {
    return false;
  }
  return TypeScalar(value).type == JType::kNull;
}

/// A node as a JSON value (for valijson's frozen values; schemas written as YAML).
json ToJson(const Node& node, int depth = 0) {
  const Node& r = node.Resolved();
  if (depth > 200) return nullptr;
  if (r.kind == NodeKind::kMapping) {
    json out = json::object();
    for (const MapEntry& e : r.entries) {
      if (!IsMergeKey(e)) out[e.key->value] = ToJson(*e.value, depth + 1);
    }
    return out;
  }
  if (r.kind == NodeKind::kSequence) {
    json out = json::array();
    for (const Node* item : r.items) out.push_back(ToJson(*item, depth + 1));
    return out;
  }
  const Typed t = TypeScalar(r);
  switch (t.type) {
    case JType::kNull:
      return nullptr;
    case JType::kBool:
      return t.boolean;
    case JType::kInt:
      return t.integer;
    case JType::kDouble:
      return t.number;
    default:
      return r.value;
  }
}

}  // namespace
}  // namespace syncgate

// ---------------------------------------------------------------------------------------------
// The valijson adapter over Node (modelled on valijson's nlohmann adapter, with real
// bidirectional iterators so that uniqueItems compiles).
namespace valijson::adapters {

class NodeAdapter;
class NodeArrayIterator;
class NodeObjectIterator;
using NodeObjectMember = std::pair<std::string, NodeAdapter>;

class NodeArray {
 public:
  using const_iterator = NodeArrayIterator;
  using iterator = NodeArrayIterator;
  NodeArray() : node_(nullptr) {}
  NodeArray(const syncgate::Node& node, bool skip_null) : node_(&node), skip_null_(skip_null) {}
  NodeArrayIterator begin() const;
  NodeArrayIterator end() const;
  size_t size() const { return node_ ? node_->items.size() : 0; }

 private:
  const syncgate::Node* node_;
  bool skip_null_ = false;
};

class NodeObject {
 public:
  using const_iterator = NodeObjectIterator;
  using iterator = NodeObjectIterator;
  NodeObject() : node_(nullptr) {}
  NodeObject(const syncgate::Node& node, bool skip_null) : node_(&node), skip_null_(skip_null) {}
  NodeObjectIterator begin() const;
  NodeObjectIterator end() const;
  NodeObjectIterator find(const std::string& name) const;
  /// Members as find() sees them: a key once, by its last duplicate. valijson compares this with
  /// the set of names `properties` matched: counting a duplicate key twice made an object with
  /// `additionalProperties: false` invalid with no error to show (found by fuzzing). Computed
  /// when asked: only that check and min/maxProperties ask.
  size_t size() const {
    if (!node_) return 0;
    const std::vector<syncgate::MapEntry>& entries = node_->entries;
    std::unordered_set<std::string_view> later;
    size_t size = 0;
    for (size_t i = entries.size(); i-- > 0;) {
      const syncgate::MapEntry& e = entries[i];
      if (syncgate::IsMergeKey(e)) continue;
      if (!later.insert(e.key->value).second) continue;  // a later duplicate wins
      size += syncgate::IsSkipped(e, skip_null_) ? 0 : 1;
    }
    return size;
  }

 private:
  const syncgate::Node* node_;
  bool skip_null_ = false;
};

class NodeValue {
 public:
  NodeValue() : node_(nullptr) {}
  NodeValue(const syncgate::Node& node, bool skip_null)
      : node_(&node.Resolved()), skip_null_(skip_null) {
    if (node_->kind == syncgate::NodeKind::kScalar)
      typed_ = syncgate::TypeScalar(*node_);
    else
      typed_.type = node_->kind == syncgate::NodeKind::kMapping ? syncgate::JType::kObject
                                                                : syncgate::JType::kArray;
  }

  FrozenValue* freeze() const {
    return new NlohmannJsonFrozenValue(node_ ? syncgate::ToJson(*node_) : nlohmann::json());
  }
  opt::optional<NodeArray> getArrayOptional() const {
    if (isArray()) return opt::make_optional(NodeArray(*node_, skip_null_));
    return {};
  }
  bool getArraySize(size_t& result) const {
    if (!isArray()) return false;
    result = node_->items.size();
    return true;
  }
  bool getBool(bool& result) const {
    if (!isBool()) return false;
    result = typed_.boolean;
    return true;
  }
  bool getDouble(double& result) const {
    if (!isDouble()) return false;
    result = typed_.number;
    return true;
  }
  bool getInteger(int64_t& result) const {
    if (!isInteger()) return false;
    result = typed_.integer;
    return true;
  }
  opt::optional<NodeObject> getObjectOptional() const {
    if (isObject()) return opt::make_optional(NodeObject(*node_, skip_null_));
    return {};
  }
  bool getObjectSize(size_t& result) const {
    if (!isObject()) return false;
    result = NodeObject(*node_, skip_null_).size();
    return true;
  }
  bool getString(std::string& result) const {
    if (!isString()) return false;
    result = node_->value;
    return true;
  }
  static bool hasStrictTypes() { return true; }
  bool isArray() const { return node_ && typed_.type == syncgate::JType::kArray; }
  bool isBool() const { return node_ && typed_.type == syncgate::JType::kBool; }
  bool isDouble() const { return node_ && typed_.type == syncgate::JType::kDouble; }
  bool isInteger() const { return node_ && typed_.type == syncgate::JType::kInt; }
  bool isNull() const { return node_ && typed_.type == syncgate::JType::kNull; }
  bool isNumber() const { return isInteger() || isDouble(); }
  bool isObject() const { return node_ && typed_.type == syncgate::JType::kObject; }
  bool isString() const { return node_ && typed_.type == syncgate::JType::kString; }

 private:
  const syncgate::Node* node_;
  bool skip_null_ = false;
  syncgate::Typed typed_;
};

class NodeAdapter
    : public BasicAdapter<NodeAdapter, NodeArray, NodeObjectMember, NodeObject, NodeValue> {
 public:
  NodeAdapter() : BasicAdapter() {}
  NodeAdapter(const syncgate::Node& node, bool skip_null)
      : BasicAdapter(NodeValue(node, skip_null)) {}
};

class NodeArrayIterator {
 public:
  using iterator_category = std::bidirectional_iterator_tag;
  using value_type = NodeAdapter;
  using difference_type = std::ptrdiff_t;
  using pointer = NodeAdapter*;
  using reference = NodeAdapter&;

  NodeArrayIterator(const std::vector<const syncgate::Node*>* items, size_t index, bool skip_null)
      : items_(items), index_(index), skip_null_(skip_null) {}
  NodeAdapter operator*() const { return NodeAdapter(*(*items_)[index_], skip_null_); }
  DerefProxy<NodeAdapter> operator->() const { return DerefProxy<NodeAdapter>(**this); }
  bool operator==(const NodeArrayIterator& other) const { return index_ == other.index_; }
  bool operator!=(const NodeArrayIterator& other) const { return index_ != other.index_; }
  const NodeArrayIterator& operator++() {
    ++index_;
    return *this;
  }
  NodeArrayIterator operator++(int) {
    NodeArrayIterator before = *this;
    ++index_;
    return before;
  }
  const NodeArrayIterator& operator--() {
    --index_;
    return *this;
  }
  NodeArrayIterator operator--(int) {
    NodeArrayIterator before = *this;
    --index_;
    return before;
  }
  void advance(std::ptrdiff_t n) {
    index_ = static_cast<size_t>(static_cast<std::ptrdiff_t>(index_) + n);
  }

 private:
  const std::vector<const syncgate::Node*>* items_;
  size_t index_;
  bool skip_null_;
};

/// Walks mapping entries in source order, skipping `<<` merge keys (and null members when nulls
/// are absent) in both directions.
class NodeObjectIterator {
 public:
  using iterator_category = std::bidirectional_iterator_tag;
  using value_type = NodeObjectMember;
  using difference_type = std::ptrdiff_t;
  using pointer = NodeObjectMember*;
  using reference = NodeObjectMember&;

  NodeObjectIterator(const std::vector<syncgate::MapEntry>* entries, size_t index, bool skip_null)
      : entries_(entries), index_(index), skip_null_(skip_null) {
    SkipForward();
  }
  NodeObjectMember operator*() const {
    const syncgate::MapEntry& e = (*entries_)[index_];
    return NodeObjectMember(e.key->value, NodeAdapter(*e.value, skip_null_));
  }
  DerefProxy<NodeObjectMember> operator->() const { return DerefProxy<NodeObjectMember>(**this); }
  bool operator==(const NodeObjectIterator& other) const { return index_ == other.index_; }
  bool operator!=(const NodeObjectIterator& other) const { return index_ != other.index_; }
  const NodeObjectIterator& operator++() {
    ++index_;
    SkipForward();
    return *this;
  }
  NodeObjectIterator operator++(int) {
    NodeObjectIterator before = *this;
    ++*this;
    return before;
  }
  const NodeObjectIterator& operator--() {
    do {
      --index_;
    } while (index_ > 0 && syncgate::IsSkipped((*entries_)[index_], skip_null_));
    return *this;
  }
  NodeObjectIterator operator--(int) {
    NodeObjectIterator before = *this;
    --*this;
    return before;
  }

 private:
  void SkipForward() {
    while (entries_ && index_ < entries_->size() &&
           syncgate::IsSkipped((*entries_)[index_], skip_null_)) {
      ++index_;
    }
  }
  const std::vector<syncgate::MapEntry>* entries_;
  size_t index_;
  bool skip_null_;
};

template <>
struct AdapterTraits<NodeAdapter> {
  using DocumentType = syncgate::Node;
  static std::string adapterName() { return "SyncgateNodeAdapter"; }
};

inline NodeArrayIterator NodeArray::begin() const {
  return NodeArrayIterator(node_ ? &node_->items : nullptr, 0, skip_null_);
}
inline NodeArrayIterator NodeArray::end() const {
  return NodeArrayIterator(node_ ? &node_->items : nullptr, size(), skip_null_);
}
inline NodeObjectIterator NodeObject::begin() const {
  return NodeObjectIterator(node_ ? &node_->entries : nullptr, 0, skip_null_);
}
inline NodeObjectIterator NodeObject::end() const {
  return NodeObjectIterator(node_ ? &node_->entries : nullptr, node_ ? node_->entries.size() : 0,
                            skip_null_);
}
inline NodeObjectIterator NodeObject::find(const std::string& name) const {
  if (!node_) return end();
  // The last duplicate wins, as in Kubernetes.
  for (size_t i = node_->entries.size(); i-- > 0;) {
    const syncgate::MapEntry& e = node_->entries[i];
    if (e.key->value == name && !syncgate::IsMergeKey(e)) {
      if (syncgate::IsSkipped(e, skip_null_)) return end();
      return NodeObjectIterator(&node_->entries, i, skip_null_);
    }
  }
  return end();
}

}  // namespace valijson::adapters

namespace syncgate {
namespace {

using valijson::adapters::NodeAdapter;

// ---------------------------------------------------------------------------------------------
// `pattern` and `format: date-time` on RE2.

constexpr std::string_view kPatternKeyword = "x-syncgate-pattern";
constexpr std::string_view kFormatKeyword = "x-syncgate-format";
/// Values longer than this are not given to std::regex (recursive: long inputs overflow the stack).
constexpr size_t kStdRegexLimit = 4096;

class RegexConstraint : public valijson::constraints::PolyConstraint {
 public:
  RegexConstraint(std::string pattern, std::string what)
      : pattern_(std::move(pattern)), what_(std::move(what)) {
    RE2::Options options;
    options.set_log_errors(false);
    re2_ = std::make_shared<RE2>(pattern_, options);
    if (!re2_->ok()) {
      re2_.reset();
      // Lookarounds and back-references are ECMAScript only; keep std::regex for short values.
      fallback_ = std::make_shared<std::regex>(pattern_, std::regex::ECMAScript);
    }
  }

  bool validate(const valijson::adapters::Adapter& target, const std::vector<std::string>& context,
                valijson::ValidationResults* results) const override {
    if (!target.isString()) return true;
    const std::string value = target.asString();
    bool ok = true;
    std::string problem;
    if (re2_) {
      ok = RE2::PartialMatch(value, *re2_);
    } else if (value.size() <= kStdRegexLimit) {
      ok = std::regex_search(value, *fallback_);
    } else {
      ok = false;
      problem = fmt::format(
          "value of {} bytes is too long to check against the pattern '{}' "
          "(it needs an ECMAScript-only regex feature)",
          value.size(), pattern_);
    }
    if (!ok && results) {
      if (problem.empty()) problem = fmt::format("does not match {}", what_);
      results->pushError(context, problem);
    }
    return ok;
  }

 private:
  Constraint* cloneInto(void* ptr) const override { return new (ptr) RegexConstraint(*this); }
  size_t sizeOf() const override { return sizeof(RegexConstraint); }

  std::string pattern_;
  std::string what_;
  std::shared_ptr<RE2> re2_;
  std::shared_ptr<std::regex> fallback_;
};

class PatternBuilder : public valijson::ConstraintBuilder {
 public:
  valijson::constraints::Constraint* make(const valijson::adapters::Adapter& value) const override {
    const std::string pattern = value.asString();
    return new RegexConstraint(pattern, fmt::format("the pattern '{}'", pattern));
  }
};

// RFC 3339 date-time, as metav1.Time parses it.
constexpr std::string_view kDateTime =
    R"(^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$)";

class FormatBuilder : public valijson::ConstraintBuilder {
 public:
  valijson::constraints::Constraint* make(const valijson::adapters::Adapter& value) const override {
    // Only formats are kept here that normalisation decided to check.
    (void)value;
    return new RegexConstraint(std::string(kDateTime), "the date-time format (RFC 3339)");
  }
};

// ---------------------------------------------------------------------------------------------
// Schema normalisation: what we hand to valijson.

/// Turns draft-4 boolean exclusiveMinimum/Maximum (OpenAPI v3) into draft-7 numbers.
void FixExclusive(json& s, const char* exclusive, const char* bound) {
  auto it = s.find(exclusive);
  if (it == s.end() || !it->is_boolean()) return;
  const bool on = it->get<bool>();
  s.erase(exclusive);
  if (on && s.contains(bound)) {
    s[exclusive] = s[bound];
    s.erase(bound);
  }
}

void Normalize(json& s, const SchemaDialect& dialect, bool in_combinator, bool root) {
  if (!s.is_object()) return;
  if (auto it = s.find("pattern"); it != s.end()) {
    if (it->is_string()) s[std::string(kPatternKeyword)] = *it;
    s.erase("pattern");
  }
  if (auto it = s.find("format"); it != s.end()) {
    if (it->is_string() && *it == "date-time") s[std::string(kFormatKeyword)] = true;
    s.erase("format");  // valijson's own date/time checks use std::regex
  }
  FixExclusive(s, "exclusiveMinimum", "minimum");
  FixExclusive(s, "exclusiveMaximum", "maximum");
  for (const char* text_key : {"description", "title"}) {
    if (auto it = s.find(text_key); it != s.end() && !it->is_string()) s.erase(text_key);
  }
  bool preserve_unknown = false;
  if (dialect.kubernetes_openapi) {
    if (s.value("x-kubernetes-int-or-string", false)) {
      s.erase("type");
      if (!s.contains("anyOf") && !s.contains("oneOf")) {
        s["anyOf"] = json::array({{{"type", "integer"}}, {{"type", "string"}}});
      }
    }
    if (s.value("nullable", false)) {
      if (auto it = s.find("type"); it != s.end() && it->is_string()) {
        *it = json::array({*it, "null"});
      }
      if (auto it = s.find("enum"); it != s.end() && it->is_array()) it->push_back(nullptr);
    }
    preserve_unknown = s.value("x-kubernetes-preserve-unknown-fields", false);
    if (root) {
      json& props = s["properties"];
      if (!props.contains("apiVersion")) props["apiVersion"] = {{"type", "string"}};
      if (!props.contains("kind")) props["kind"] = {{"type", "string"}};
      if (!props.contains("metadata")) props["metadata"] = {{"type", "object"}};
      if (!s.contains("type")) s["type"] = "object";
    }
  }
  if (dialect.strict && !in_combinator && !preserve_unknown && s.contains("properties") &&
      !s.contains("additionalProperties")) {
    s["additionalProperties"] = false;
  }
  auto each_value = [&](const char* key, bool combinator) {
    auto it = s.find(key);
    if (it == s.end()) return;
    if (it->is_object()) {
      for (auto& [name, sub] : it->items()) Normalize(sub, dialect, combinator, false);
    }
  };
  auto one = [&](const char* key, bool combinator) {
    auto it = s.find(key);
    if (it != s.end()) Normalize(*it, dialect, combinator, false);
  };
  auto each_item = [&](const char* key, bool combinator) {
    auto it = s.find(key);
    if (it != s.end() && it->is_array()) {
      for (json& sub : *it) Normalize(sub, dialect, combinator, false);
    }
  };
  each_value("properties", false);
  each_value("patternProperties", false);
  each_value("definitions", false);
  each_value("$defs", false);
  each_value("dependencies", false);
  one("additionalProperties", false);
  one("additionalItems", false);
  one("contains", false);
  one("propertyNames", false);
  if (auto it = s.find("items"); it != s.end()) {
    if (it->is_array()) {
      for (json& sub : *it) Normalize(sub, dialect, false, false);
    } else {
      Normalize(*it, dialect, false, false);
    }
  }
  each_item("allOf", true);
  each_item("anyOf", true);
  each_item("oneOf", true);
  one("not", true);
  one("if", true);
  one("then", true);
  one("else", true);
}

// ---------------------------------------------------------------------------------------------
// Finding our way in the schema (for messages: expected types, allowed names, enum values).

const json* Deref(const json& root, const json* s) {
  for (int hops = 0; s && s->is_object() && hops < 16; ++hops) {
    auto ref = s->find("$ref");
    if (ref == s->end() || !ref->is_string()) break;
    const std::string target = ref->get<std::string>();
    if (target.rfind('#', 0) != 0) return s;
    try {
      s = &root.at(json::json_pointer(target.substr(1)));
    } catch (const std::exception&) {
      return nullptr;
    }
  }
  return s;
}

/// The schema itself and, recursively, its allOf/anyOf/oneOf branches.
void WithBranches(const json& root, const json* s, std::vector<const json*>& out, int depth = 0) {
  s = Deref(root, s);
  if (!s || !s->is_object() || depth > 8) return;
  out.push_back(s);
  for (const char* key : {"allOf", "anyOf", "oneOf"}) {
    if (auto it = s->find(key); it != s->end() && it->is_array()) {
      for (const json& branch : *it) WithBranches(root, &branch, out, depth + 1);
    }
  }
}

std::vector<const json*> SchemasAt(const json& root, std::string_view pointer) {
  std::vector<const json*> current;
  WithBranches(root, &root, current);
  size_t pos = 0;
  while (pos < pointer.size() && !current.empty()) {
    size_t next = pointer.find('/', pos + 1);
    if (next == std::string_view::npos) next = pointer.size();
    std::string token(pointer.substr(pos + 1, next - pos - 1));
    for (size_t at; (at = token.find("~1")) != std::string::npos;) token.replace(at, 2, "/");
    for (size_t at; (at = token.find("~0")) != std::string::npos;) token.replace(at, 2, "~");
    pos = next;
    std::vector<const json*> children;
    for (const json* s : current) {
      if (auto props = s->find("properties"); props != s->end() && props->is_object()) {
        if (auto p = props->find(token); p != props->end()) {
          WithBranches(root, &*p, children);
          continue;
        }
      }
      if (auto add = s->find("additionalProperties"); add != s->end() && add->is_object()) {
        WithBranches(root, &*add, children);
      }
      if (auto items = s->find("items"); items != s->end()) {
        if (items->is_object()) {
          WithBranches(root, &*items, children);
        } else if (items->is_array()) {
          const size_t index = std::strtoul(token.c_str(), nullptr, 10);
          if (index < items->size()) WithBranches(root, &(*items)[index], children);
        }
      }
    }
    current = std::move(children);
  }
  return current;
}

std::string ExpectedTypes(const std::vector<const json*>& schemas) {
  std::vector<std::string> types;
  auto add = [&](const std::string& type) {
    if (std::find(types.begin(), types.end(), type) == types.end()) types.push_back(type);
  };
  for (const json* s : schemas) {
    auto it = s->find("type");
    if (it == s->end()) continue;
    if (it->is_string()) add(it->get<std::string>());
    if (it->is_array()) {
      for (const json& t : *it) {
        if (t.is_string()) add(t.get<std::string>());
      }
    }
  }
  std::string out;
  for (size_t i = 0; i < types.size(); ++i) {
    out += (i == 0 ? "" : i + 1 == types.size() ? " or " : ", ") + types[i];
  }
  return out;
}

std::string EnumValues(const std::vector<const json*>& schemas) {
  std::string out;
  int count = 0;
  for (const json* s : schemas) {
    auto it = s->find("enum");
    if (it == s->end() || !it->is_array()) continue;
    for (const json& v : *it) {
      if (v.is_null()) continue;
      if (++count > 12) return out + ", ...";
      out += (out.empty() ? "" : ", ") + (v.is_string() ? v.get<std::string>() : v.dump());
    }
  }
  return out;
}

std::vector<std::string> PropertyNames(const std::vector<const json*>& schemas) {
  std::vector<std::string> names;
  for (const json* s : schemas) {
    auto props = s->find("properties");
    if (props == s->end() || !props->is_object()) continue;
    for (const auto& [name, sub] : props->items()) {
      if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
    }
  }
  return names;
}

const Node* NodeAt(const Node& root, std::string_view pointer) {
  const Node* node = &root.Resolved();
  size_t pos = 0;
  while (node && pos < pointer.size()) {
    size_t next = pointer.find('/', pos + 1);
    if (next == std::string_view::npos) next = pointer.size();
    std::string token(pointer.substr(pos + 1, next - pos - 1));
    for (size_t at; (at = token.find("~1")) != std::string::npos;) token.replace(at, 2, "/");
    for (size_t at; (at = token.find("~0")) != std::string::npos;) token.replace(at, 2, "~");
    pos = next;
    const Node& r = node->Resolved();
    if (r.kind == NodeKind::kMapping) {
      node = r.Get(token);
    } else if (r.kind == NodeKind::kSequence) {
      const size_t index = std::strtoul(token.c_str(), nullptr, 10);
      node = index < r.items.size() ? r.items[index] : nullptr;
    } else {
      node = nullptr;
    }
    if (node) node = &node->Resolved();
  }
  return node;
}

/// valijson's context ["<root>", "[spec]", "[0]"] as a JSON pointer.
std::string ContextPointer(const std::vector<std::string>& context) {
  std::string pointer;
  for (size_t i = 1; i < context.size(); ++i) {
    std::string_view token = context[i];
    if (token.size() >= 2 && token.front() == '[' && token.back() == ']') {
      token = token.substr(1, token.size() - 2);
    }
    pointer = JoinPointer(pointer, token);
  }
  return pointer;
}

bool StartsWithAny(std::string_view text, std::initializer_list<std::string_view> prefixes) {
  for (std::string_view p : prefixes) {
    if (StartsWith(text, p)) return true;
  }
  return false;
}

std::string Lowercased(std::string text) {
  if (!text.empty() && text.back() == '.') text.pop_back();
  // valijson prints bounds with std::to_string: "greater than 0.000000" → "greater than 0".
  const size_t space = text.rfind(' ');
  if (space != std::string::npos && text.find('.', space) != std::string::npos &&
      text.find_first_not_of("-0123456789.", space + 1) == std::string::npos) {
    while (text.back() == '0') text.pop_back();
    if (text.back() == '.') text.pop_back();
  }
  if (!text.empty() && text[0] >= 'A' && text[0] <= 'Z' &&
      !(text.size() > 1 && text[1] >= 'A' && text[1] <= 'Z')) {
    text[0] = static_cast<char>(text[0] - 'A' + 'a');
  }
  return text;
}

}  // namespace

std::string_view KubernetesJsonType(const Node& node) { return JTypeName(TypeOf(node)); }

struct CompiledSchema::Impl {
  json normalized;
  valijson::Schema schema;
  bool null_is_unset = false;
};

CompiledSchema::CompiledSchema(std::string name, std::unique_ptr<Impl> impl)
    : name_(std::move(name)), impl_(std::move(impl)) {}
CompiledSchema::~CompiledSchema() = default;

namespace {

/// The first `$ref` of `s` (depth first) that leads only to further `$ref`s in a loop ("a":
/// {"$ref": "#/definitions/b"}, "b": {"$ref": "#/definitions/a"}, or {"$ref": "#"} at the root),
/// as "#/definitions/a -> #/definitions/b -> #/definitions/a". valijson follows such a chain
/// without end and overflows the stack. A loop through a schema (a recursive tree type, whose
/// `properties` refer back to it) is fine and not reported.
std::optional<std::string> RefLoop(const json& root, const json& s,
                                   std::set<const json*>& settled) {
  if (s.is_array()) {
    for (const json& item : s) {
      if (auto loop = RefLoop(root, item, settled)) return loop;
    }
    return std::nullopt;
  }
  if (!s.is_object()) return std::nullopt;
  std::vector<const json*> chain;
  std::vector<std::string> targets;
  for (const json* at = &s; !settled.count(at);) {
    auto ref = at->find("$ref");
    if (ref == at->end() || !ref->is_string()) break;
    const std::string& target = ref->get_ref<const std::string&>();
    if (target.rfind('#', 0) != 0) break;  // another document: valijson refuses it
    chain.push_back(at);
    targets.push_back(target);
    try {
      at = &root.at(json::json_pointer(target.substr(1)));
    } catch (const std::exception&) {
      break;  // a dangling or malformed pointer: valijson's error says which
    }
    if (auto again = std::find(chain.begin(), chain.end(), at); again != chain.end()) {
      // The last target names the schema the loop comes back to; its own $ref comes next.
      std::string loop = targets.back();
      for (auto i = static_cast<size_t>(again - chain.begin()); i < targets.size(); ++i) {
        loop += " -> " + targets[i];
      }
      return loop;
    }
  }
  settled.insert(chain.begin(), chain.end());
  for (const auto& item : s.items()) {
    if (item.key() == "$ref") continue;
    if (auto loop = RefLoop(root, item.value(), settled)) return loop;
  }
  return std::nullopt;
}

Expected<std::shared_ptr<const CompiledSchema>> Compile(json schema, std::string_view name,
                                                        const SchemaDialect& dialect, auto make) {
  try {
    Normalize(schema, dialect, false, true);
    std::set<const json*> settled;
    if (std::optional<std::string> loop = RefLoop(schema, schema, settled)) {
      return Unexpected(
          fmt::format("{}: not a usable JSON schema: its $ref loops ({}) without "
                      "reaching a schema",
                      name, *loop));
    }
    auto impl = std::make_unique<CompiledSchema::Impl>();
    impl->normalized = std::move(schema);
    impl->null_is_unset = dialect.null_is_unset;
    valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
    parser.addConstraintBuilder(std::string(kPatternKeyword), new PatternBuilder());
    parser.addConstraintBuilder(std::string(kFormatKeyword), new FormatBuilder());
    valijson::adapters::NlohmannJsonAdapter adapter(impl->normalized);
    parser.populateSchema(adapter, impl->schema);
    return make(std::string(name), std::move(impl));
  } catch (const std::exception& e) {
    return Unexpected(fmt::format("{}: not a usable JSON schema: {}", name, e.what()));
  }
}

}  // namespace

Expected<std::shared_ptr<const CompiledSchema>> CompiledSchema::FromJson(std::string_view text,
                                                                         std::string_view name,
                                                                         SchemaDialect dialect) {
  json parsed;
  try {
    parsed = json::parse(text);
  } catch (const json::parse_error& e) {
    return Unexpected(fmt::format("{}: not valid JSON: {}", name, e.what()));
  }
  return Compile(std::move(parsed), name, dialect, [](std::string n, std::unique_ptr<Impl> impl) {
    return std::shared_ptr<const CompiledSchema>(new CompiledSchema(std::move(n), std::move(impl)));
  });
}

Expected<std::shared_ptr<const CompiledSchema>> CompiledSchema::FromNode(const Node& schema,
                                                                         std::string_view name,
                                                                         SchemaDialect dialect) {
  return Compile(ToJson(schema), name, dialect, [](std::string n, std::unique_ptr<Impl> impl) {
    return std::shared_ptr<const CompiledSchema>(new CompiledSchema(std::move(n), std::move(impl)));
  });
}

bool CompiledSchema::IsValid(const Node& node) const {
  valijson::Validator validator;
  return validator.validate(impl_->schema, NodeAdapter(node, impl_->null_is_unset), nullptr);
}

std::vector<SchemaError> CompiledSchema::Validate(const Node& node) const {
  if (IsValid(node)) return {};
  valijson::Validator validator;
  valijson::ValidationResults results;
  validator.validate(impl_->schema, NodeAdapter(node, impl_->null_is_unset), &results);

  struct Raw {
    std::string pointer;
    std::string description;
  };
  std::vector<Raw> raw;
  valijson::ValidationResults::Error error;
  while (results.popError(error)) raw.push_back({ContextPointer(error.context), error.description});

  auto has_detail_at_or_below = [&](const Raw& combinator) {
    for (const Raw& other : raw) {
      if (&other == &combinator) continue;
      if (StartsWithAny(other.description, {"Failed to validate against any",
                                            "Failed to validate "
                                            "against exactly one"})) {
        continue;
      }
      if (other.pointer == combinator.pointer ||
          StartsWith(other.pointer, combinator.pointer + "/")) {
        return true;
      }
    }
    return false;
  };

  std::vector<SchemaError> out;
  std::set<std::pair<std::string, std::string>> seen;
  auto add = [&](SchemaError e) {
    if (seen.insert({e.pointer, e.message}).second) out.push_back(std::move(e));
  };
  const json& root = impl_->normalized;
  for (const Raw& r : raw) {
    const std::string& d = r.description;
    if (StartsWithAny(
            d, {"Failed to validate against schema associated with", "Failed to validate item #",
                "Cannot validate item #", "Failed to validate against child schema",
                "Failed to validate against additional properties schema",
                "Failed to validate against dependent schema",
                "Failed to validate against a conditional schema"})) {
      continue;  // a parent's summary of a child's error, which is reported itself
    }
    const Node* target = NodeAt(node, r.pointer);
    if (StartsWith(d, "Value type not permitted")) {
      const std::string expected = ExpectedTypes(SchemasAt(root, r.pointer));
      const std::string_view actual = target ? KubernetesJsonType(*target) : "another type";
      add({r.pointer,
           expected.empty() ? fmt::format("{} is not allowed here", actual)
                            : fmt::format("expected {}, got {}", expected, actual),
           SchemaErrorKind::kViolation});
    } else if (StartsWith(d, "Object contains a property that could not be validated")) {
      const std::vector<const json*> schemas = SchemasAt(root, r.pointer);
      if (!target || !target->IsMap()) continue;
      const std::vector<std::string> names = PropertyNames(schemas);
      std::vector<std::string_view> candidates(names.begin(), names.end());
      for (const MapEntry& e : target->entries) {
        if (IsSkipped(e, impl_->null_is_unset)) continue;
        const std::string& key = e.key->value;
        if (std::find(names.begin(), names.end(), key) != names.end()) continue;
        SchemaError unknown{JoinPointer(r.pointer, key),
                            fmt::format("unknown field '{}'{}", key, DidYouMean(key, candidates)),
                            SchemaErrorKind::kUnknownField, key, ""};
        add(std::move(unknown));
      }
    } else if (StartsWith(d, "Missing required property '")) {
      std::string name = d.substr(27);
      if (size_t quote = name.rfind('\''); quote != std::string::npos) name.resize(quote);
      add({r.pointer, fmt::format("missing required field '{}'", name),
           SchemaErrorKind::kViolation});
    } else if (StartsWith(d, "Failed to match against any enum values")) {
      const std::string values = EnumValues(SchemasAt(root, r.pointer));
      add({r.pointer,
           values.empty() ? "value is not one of the allowed values"
                          : fmt::format("value is not one of: {}", values),
           SchemaErrorKind::kViolation});
    } else if (StartsWithAny(d, {"Failed to validate against any",
                                 "Failed to validate against exactly one"})) {
      if (has_detail_at_or_below(r)) continue;
      add({r.pointer, Lowercased(d), SchemaErrorKind::kViolation});
    } else {
      add({r.pointer, Lowercased(d), SchemaErrorKind::kViolation});
    }
  }
  // A type error explains the anyOf/oneOf failure at the same place; drop other noise there.
  // valijson gives no error for a schema that is `false` (YAML `n` reads so): the value is still
  // refused, and says so (found by fuzzing: IsValid failed while Validate found nothing).
  if (out.empty()) {
    out.push_back({"", "the schema allows no value here", SchemaErrorKind::kViolation});
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The Kubernetes OpenAPI definitions, compiled per kind.

struct SchemaDefinitions::Impl {
  json definitions;                                       // the "definitions" object
  std::map<std::string, std::string, std::less<>> kinds;  // "group/version/Kind" → its definition
};

SchemaDefinitions::SchemaDefinitions(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SchemaDefinitions::~SchemaDefinitions() = default;

namespace {

constexpr std::string_view kDefinitionsRef = "#/definitions/";

std::string KindKey(std::string_view group, std::string_view version, std::string_view kind) {
  return fmt::format("{}/{}/{}", group, version, kind);
}

/// Adds to `out` the definition name of every `$ref` in `s` ("#/definitions/<name>").
void CollectRefs(const json& s, std::vector<std::string>& out) {
  if (s.is_array()) {
    for (const json& item : s) CollectRefs(item, out);
    return;
  }
  if (!s.is_object()) return;
  for (auto it = s.begin(); it != s.end(); ++it) {
    if (it.key() == "$ref" && it->is_string()) {
      const std::string& target = it->get_ref<const std::string&>();
      if (StartsWith(target, kDefinitionsRef)) {
        out.push_back(
            UnescapePointerToken(std::string_view(target).substr(kDefinitionsRef.size())));
      }
    } else {
      CollectRefs(*it, out);
    }
  }
}

}  // namespace

Expected<std::shared_ptr<const SchemaDefinitions>> SchemaDefinitions::FromJson(
    std::string_view text, std::string_view name) {
  auto impl = std::make_unique<Impl>();
  try {
    json parsed = json::parse(text);
    auto defs = parsed.find("definitions");
    if (!parsed.is_object() || defs == parsed.end() || !defs->is_object()) {
      return Unexpected(fmt::format("{}: no \"definitions\" object", name));
    }
    impl->definitions = std::move(*defs);
  } catch (const json::exception& e) {
    return Unexpected(fmt::format("{}: not valid JSON: {}", name, e.what()));
  }
  for (const auto& [definition, schema] : impl->definitions.items()) {
    auto gvks = schema.find("x-kubernetes-group-version-kind");
    if (gvks == schema.end() || !gvks->is_array()) continue;
    for (const json& gvk : *gvks) {
      if (!gvk.is_object()) continue;
      const std::string group = gvk.value("group", "");
      const std::string version = gvk.value("version", "");
      const std::string kind = gvk.value("kind", "");
      if (version.empty() || kind.empty()) continue;
      impl->kinds.emplace(KindKey(group, version, kind), definition);  // the first one wins
    }
  }
  return std::shared_ptr<const SchemaDefinitions>(new SchemaDefinitions(std::move(impl)));
}

std::string SchemaDefinitions::FindKind(std::string_view group, std::string_view version,
                                        std::string_view kind) const {
  auto it = impl_->kinds.find(KindKey(group, version, kind));
  return it == impl_->kinds.end() ? "" : it->second;
}

std::vector<std::array<std::string, 3>> SchemaDefinitions::Kinds() const {
  std::vector<std::array<std::string, 3>> out;
  for (const auto& [key, definition] : impl_->kinds) {
    const size_t first = key.find('/');
    const size_t second = key.find('/', first + 1);
    out.push_back(
        {key.substr(0, first), key.substr(first + 1, second - first - 1), key.substr(second + 1)});
  }
  return out;
}

Expected<std::shared_ptr<const CompiledSchema>> SchemaDefinitions::Compile(
    std::string_view definition, std::string_view name, SchemaDialect dialect) const {
  auto it = impl_->definitions.find(std::string(definition));
  if (it == impl_->definitions.end()) {
    return Unexpected(fmt::format("{}: no definition '{}'", name, definition));
  }
  // Only what the kind reaches: a Deployment needs about a hundred of the ~600 definitions.
  json root = *it;
  json reached = json::object();
  std::vector<std::string> pending;
  CollectRefs(root, pending);
  while (!pending.empty()) {
    std::string next = std::move(pending.back());
    pending.pop_back();
    if (reached.contains(next)) continue;
    auto found = impl_->definitions.find(next);
    if (found == impl_->definitions.end()) continue;  // a dangling $ref fails to compile below
    reached[next] = *found;
    CollectRefs(*found, pending);
  }
  root["definitions"] = std::move(reached);
  return syncgate::Compile(std::move(root), name, dialect,
                           [](std::string n, std::unique_ptr<CompiledSchema::Impl> impl) {
                             return std::shared_ptr<const CompiledSchema>(
                                 new CompiledSchema(std::move(n), std::move(impl)));
                           });
}

}  // namespace syncgate
