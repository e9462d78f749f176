// Fuzz target for `.syncgate.yaml` and declarative rule packs (rule_packs/): the input's first
// part is read both as a config and as a pack, its second part (after a line "%%", else the same
// text) as the documents the pack's rules check. Invariants: a config or pack either loads or
// fails with a message naming the file; pack rules have unique ids and full metadata; their
// findings point into the document with a message; a literal glob matches itself.
#include <set>
#include <string>

#include "checker/config.h"
#include "checker/document.h"
#include "checker/rule.h"
#include "rule_packs/rule_pack.h"
#include "tests/fuzz/fuzz_target.h"

namespace {

using namespace syncgate;

class CollectingContext final : public RuleContext {
 public:
  void Report(std::string_view pointer, std::string message, const ReportExtra&) override {
    FUZZ_CHECK(pointer.empty() || pointer.front() == '/', "finding pointer is no JSON pointer");
    FUZZ_CHECK(!message.empty(), "finding without a message");
    ++findings;
  }
  void ReportIn(const Document&, std::string_view pointer, std::string message,
                const ReportExtra& extra) override {
    Report(pointer, std::move(message), extra);
  }
  std::string_view environment() const override { return ""; }
  bool production() const override { return false; }
  size_t findings = 0;
};

bool IsLiteral(std::string_view pattern) {
  return pattern.find_first_of("*?[\\") == std::string_view::npos;
}

}  // namespace

SYNCGATE_FUZZ_TARGET(config) {
  const std::vector<std::string> parts = fuzz::SplitParts(fuzz::AsText(data, size), 2);
  auto config_source = SourceFile::FromText("fuzz/.syncgate.yaml", parts[0]);

  Expected<Config> config = Config::Parse(config_source);
  if (!config) {
    FUZZ_CHECK(config.error().message.find("fuzz/.syncgate.yaml") != std::string::npos,
               "config error does not name the file");
  } else {
    for (const std::string& pattern : config->exclude()) {
      if (IsLiteral(pattern))
        FUZZ_CHECK(GlobMatch(pattern, pattern), "a literal glob misses itself");
      (void)config->IsExcluded(pattern);
    }
    (void)config->IsExcluded("fuzz/apps/a.yaml");
    for (const EnvironmentProfile& env : config->environments()) {
      FUZZ_CHECK(!env.name.empty(), "environment without a name");
      for (const std::string& glob : env.paths) (void)GlobMatch(glob, "fuzz/values-prod.yaml");
    }
  }

  Expected<RuleList> pack = LoadRulePack(config_source);
  if (!pack) {
    FUZZ_CHECK(pack.error().message.find("fuzz/.syncgate.yaml") != std::string::npos,
               "pack error does not name the file");
    return 0;
  }
  std::set<std::string_view> ids;
  std::vector<const Rule*> configured;
  for (const auto& rule : *pack) {
    const RuleMeta& meta = rule->meta();
    FUZZ_CHECK(!meta.id.empty() && ids.insert(meta.id).second, "pack rule id empty or repeated");
    // Options from the config, when it parsed and names this rule.
    const Node* options = nullptr;
    if (config) {
      if (auto it = config->rules().find(meta.id); it != config->rules().end())
        options = it->second.options;
    }
    if (rule->Configure(options)) configured.push_back(rule.get());  // else the run stops
  }

  auto doc_source = SourceFile::FromText("fuzz/doc.yaml", parts[1]);
  LoadResult loaded = LoadYaml(doc_source);
  for (const auto& doc : loaded.documents) {
    for (const Rule* rule : configured) {
      if (!Intersects(doc->kind(), rule->meta().applies_to)) continue;
      CollectingContext ctx;
      rule->CheckDocument(*doc, ctx);
    }
  }
  return 0;
}
