#include "checker/baseline.h"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <tuple>

namespace syncgate {
namespace {

constexpr int kBaselineVersion = 1;

/// Recounts the summary after findings were removed.
void Recount(RunResult& result) {
  result.summary.findings = static_cast<int>(result.findings.size());
  result.summary.by_severity = {};
  for (const Finding& f : result.findings)
    ++result.summary.by_severity[static_cast<int>(f.severity)];
}

}  // namespace

bool Baseline::Entry::operator<(const Entry& other) const {
  return std::tie(file, rule, pointer, fingerprint) <
         std::tie(other.file, other.rule, other.pointer, other.fingerprint);
}

Baseline Baseline::FromResult(const RunResult& result) {
  Baseline baseline;
  for (const Finding& f : result.findings) {
    if (f.fingerprint.empty() || !baseline.fingerprints_.insert(f.fingerprint).second) continue;
    baseline.entries_.push_back({f.fingerprint, f.rule, f.file, f.pointer});
  }
  std::sort(baseline.entries_.begin(), baseline.entries_.end());
  return baseline;
}

Expected<Baseline> Baseline::Load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Unexpected(fmt::format("{}: cannot read the baseline", path));
  std::stringstream text;
  text << in.rdbuf();
  // nlohmann::json throws on bad input; this is the one place that parses baselines.
  nlohmann::json json;
  try {
    json = nlohmann::json::parse(text.str());
  } catch (const nlohmann::json::parse_error& e) {
    return Unexpected(fmt::format("{}: not a JSON baseline: {}", path, e.what()));
  }
  if (!json.is_object() || json.value("syncgate_baseline", 0) != kBaselineVersion ||
      !json.contains("findings") || !json["findings"].is_array()) {
    return Unexpected(fmt::format(
        "{}: not a syncgate baseline (expected {{\"syncgate_baseline\": {}, \"findings\": [...]}}; "
        "write one with --write-baseline)",
        path, kBaselineVersion));
  }
  Baseline baseline;
  size_t index = 0;
  for (const nlohmann::json& item : json["findings"]) {
    if (!item.is_object() || !item.contains("fingerprint") || !item["fingerprint"].is_string()) {
      return Unexpected(fmt::format("{}: findings[{}] has no fingerprint", path, index));
    }
    Entry entry{item["fingerprint"].get<std::string>(), item.value("rule", ""),
                item.value("file", ""), item.value("pointer", "")};
    if (baseline.fingerprints_.insert(entry.fingerprint).second) {
      baseline.entries_.push_back(std::move(entry));
    }
    ++index;
  }
  std::sort(baseline.entries_.begin(), baseline.entries_.end());
  return baseline;
}

Status Baseline::Write(const std::string& path) const {
  nlohmann::ordered_json json;
  json["syncgate_baseline"] = kBaselineVersion;
  json["findings"] = nlohmann::ordered_json::array();
  for (const Entry& e : entries_) {
    nlohmann::ordered_json item;
    item["rule"] = e.rule;
    item["file"] = e.file;
    item["pointer"] = e.pointer;
    item["fingerprint"] = e.fingerprint;
    json["findings"].push_back(std::move(item));
  }
  std::ofstream out(path, std::ios::binary);
  out << json.dump(2) << "\n";
  if (!out.flush()) return Unexpected(fmt::format("{}: cannot write the baseline", path));
  return Ok{};
}

int Baseline::Filter(RunResult& result) const {
  const size_t before = result.findings.size();
  std::erase_if(result.findings,
                [&](const Finding& f) { return fingerprints_.count(f.fingerprint) > 0; });
  Recount(result);
  return static_cast<int>(before - result.findings.size());
}

std::vector<std::string> AllowlistedFingerprints(const Config& config) {
  std::vector<std::string> out;
  const Document* doc = config.document();
  const Node* list = doc ? doc->Find("/secrets/allowlist/fingerprints") : nullptr;
  if (!list || !list->IsSeq()) return out;
  for (const Node* item : list->Resolved().items) {
    if (item->IsScalar() && !item->Text().empty()) out.emplace_back(item->Text());
  }
  return out;
}

int FilterFingerprints(RunResult& result, const std::vector<std::string>& fingerprints) {
  if (fingerprints.empty()) return 0;
  const std::set<std::string, std::less<>> allowed(fingerprints.begin(), fingerprints.end());
  const size_t before = result.findings.size();
  std::erase_if(result.findings,
                [&](const Finding& f) { return allowed.count(f.fingerprint) > 0; });
  Recount(result);
  return static_cast<int>(before - result.findings.size());
}

}  // namespace syncgate
