#include "model/values_text.h"

#include <fmt/format.h>
#include <re2/re2.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "checker/text_util.h"

namespace syncgate::model {
namespace {

std::string Quote(const std::string& text) { return nlohmann::json(text).dump(); }

void EmitScalar(const Node& node, std::string& out) {
  const bool raw = node.style == ScalarStyle::kPlain && node.tag.empty() &&
                   (node.type != ScalarType::kString || node.yaml11_differs);
  out += raw ? (node.value.empty() ? std::string("null") : node.value) : Quote(node.value);
}

/// A mapping's own keys by name, for lookups that would otherwise scan it once per key.
struct MapIndex {
  std::unordered_map<std::string_view, const Node*> own;
  bool merges = false;  // it has `<<` entries: a key it does not hold may come from them

  const Node* Get(const Node& map, std::string_view key) const {
    if (const auto it = own.find(key); it != own.end()) return it->second;
    return merges ? map.Get(key) : nullptr;
  }
};

/// Emits the coalesced value of `nodes` (lowest precedence first, all non-null).
void EmitMerged(const std::vector<const Node*>& nodes, std::string& out, int depth) {
  const Node& top = nodes.back()->Resolved();
  if (depth > 200) {  // anchors cannot loop (aliases are not expanded twice), but stay bounded
    out += "null";
    return;
  }
  if (top.kind == NodeKind::kScalar) {
    EmitScalar(top, out);
    return;
  }
  if (top.kind == NodeKind::kSequence) {
    out += '[';
    for (size_t i = 0; i < top.items.size(); ++i) {
      if (i) out += ", ";
      EmitMerged({top.items[i]}, out, depth + 1);
    }
    out += ']';
    return;
  }
  // A map merges with the maps directly below it (a lower non-map is replaced).
  std::vector<const Node*> maps;
  for (auto it = nodes.rbegin(); it != nodes.rend() && (*it)->IsMap(); ++it) maps.push_back(*it);
  std::reverse(maps.begin(), maps.end());
  // Keys in first-seen order, and each map's own keys indexed: a values file may hold a map of
  // a million keys, and a search of the keys so far or Node::Get (a linear scan) per key made
  // that quadratic.
  std::vector<std::string_view> keys;
  std::unordered_set<std::string_view> seen;
  std::vector<MapIndex> indexes(maps.size());
  for (size_t m = 0; m < maps.size(); ++m) {
    for (const MapEntry& e : maps[m]->Resolved().entries) {
      if (e.key->value == "<<") {
        indexes[m].merges = true;
        continue;
      }
      if (seen.insert(e.key->value).second) keys.push_back(e.key->value);
      // The last of duplicated keys wins, as in Node::Get.
      if (e.key->kind == NodeKind::kScalar) indexes[m].own[e.key->value] = e.value;
    }
  }
  out += '{';
  bool first = true;
  for (const std::string_view key : keys) {
    std::vector<const Node*> values;
    for (size_t m = 0; m < maps.size(); ++m) {
      if (const Node* v = indexes[m].Get(*maps[m], key)) {
        if (v->IsNull()) {
          values.clear();  // null deletes what lower layers set
        } else {
          values.push_back(v);
        }
      }
    }
    if (values.empty()) continue;
    if (!first) out += ", ";
    first = false;
    out += Quote(std::string(key));
    out += ": ";
    EmitMerged(values, out, depth + 1);
  }
  out += '}';
}

}  // namespace

std::string ValuesToYaml(const Node& node) {
  std::string out;
  if (node.IsNull()) return "{}\n";
  EmitMerged({&node}, out, 0);
  out += '\n';
  return out;
}

std::string MergeValuesToYaml(const std::vector<const Node*>& layers) {
  std::vector<const Node*> present;
  for (const Node* layer : layers) {
    if (layer && layer->IsMap()) present.push_back(layer);
  }
  if (present.empty()) return "{}\n";
  std::string out;
  EmitMerged(present, out, 0);
  out += '\n';
  return out;
}

std::string ParameterPointer(std::string_view name) {
  if (name.find_first_of("[]\\") != std::string_view::npos) return "";
  std::string pointer;
  for (std::string_view part : Split(name, '.')) {
    if (part.empty()) return "";
    AppendPointerToken(pointer, part);
  }
  return pointer;
}

std::string ParametersToYaml(const std::vector<SetParameter>& parameters) {
  static const RE2 kInteger(R"([-+]?[0-9]{1,18})");
  nlohmann::json values = nlohmann::json::object();
  for (const SetParameter& p : parameters) {
    if (ParameterPointer(p.name).empty()) continue;
    nlohmann::json value = p.value;
    if (!p.force_string) {
      if (p.value == "true" || p.value == "false")
        value = p.value == "true";
      else if (p.value == "null")
        value = nullptr;
      else if (RE2::FullMatch(p.value, kInteger))
        value = std::stoll(p.value);
    }
    // A later parameter replaces an earlier one; a scalar on the way becomes a map, as in strvals.
    nlohmann::json* at = &values;
    for (std::string_view key : Split(p.name, '.')) {
      if (!at->is_object()) *at = nlohmann::json::object();
      at = &(*at)[std::string(key)];
    }
    *at = std::move(value);
  }
  return values.dump() + "\n";  // JSON is YAML flow style
}

std::string YamlDoubleQuoted(std::string_view s) {
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
      default:
        if (c < 0x20 || c == 0x7f) {
          out += fmt::format("\\u{:04x}", c);
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

}  // namespace syncgate::model
