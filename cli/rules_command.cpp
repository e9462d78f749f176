// `syncgate rules list|explain ID|docs DIR`: the catalogue, from the rules' own metadata.
#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "checker/config.h"
#include "cli/commands.h"
#include "reporters/rule_docs.h"
#include "rule_packs/rule_pack.h"
#include "rules/registry.h"

namespace syncgate::cli {
namespace {

/// The rules of the built-in packs and of the packs that the configuration found from the
/// working directory loads; kept alive because RuleMeta points into them.
const RuleList& PackRules() {
  static const RuleList* rules = [] {
    auto* out = new RuleList(BuiltinPackRules());
    const std::string path = Config::FindUpward(".");
    if (path.empty()) return out;
    Expected<Config> config = Config::Load(path);
    RuleList loaded;
    Status packs = config ? AppendRulePacks(*config, loaded) : Status(Unexpected(config.error()));
    if (!packs) std::cerr << "syncgate: rule packs not listed: " << packs.error().message << "\n";
    for (auto& rule : loaded) {
      const bool known = std::any_of(
          out->begin(), out->end(), [&](const auto& r) { return r->meta().id == rule->meta().id; });
      if (!known) out->push_back(std::move(rule));
    }
    return out;
  }();
  return *rules;
}

std::vector<RuleMeta> AllRuleMetas() {
  std::vector<RuleMeta> metas;
  for (const auto& rule : MakeBuiltinRules()) metas.push_back(rule->meta());
  for (const auto& rule : PackRules()) metas.push_back(rule->meta());
  for (const RuleMeta& meta : EngineRuleMetas()) metas.push_back(meta);
  std::sort(metas.begin(), metas.end(),
            [](const RuleMeta& a, const RuleMeta& b) { return a.id < b.id; });
  return metas;
}

}  // namespace

void AddRulesCommand(CLI::App& app, CommandResult& result) {
  CLI::App* rules = app.add_subcommand("rules", "The rule catalogue");
  rules->require_subcommand(1);

  auto format = std::make_shared<std::string>("text");
  CLI::App* list = rules->add_subcommand("list", "List every rule");
  list->add_option("--format", *format, "text (default), json or markdown")
      ->check(CLI::IsMember({"text", "json", "markdown"}));
  list->callback([format, &result] {
    const auto metas = AllRuleMetas();
    if (*format == "json") {
      nlohmann::ordered_json out = nlohmann::ordered_json::array();
      for (const RuleMeta& m : metas) out.push_back(reporters::RuleMetaJson(m));
      std::cout << out.dump(2) << "\n";
    } else if (*format == "markdown") {
      std::cout << reporters::RuleIndexMarkdown(metas);
    } else {
      for (const RuleMeta& m : metas) {
        std::cout << fmt::format("{:<32} {:<8} {}\n", m.id, SeverityName(m.severity), m.summary);
      }
    }
    result.exit_code = kExitPass;
  });

  auto id = std::make_shared<std::string>();
  CLI::App* explain = rules->add_subcommand("explain", "Explain one rule");
  explain->add_option("id", *id, "Rule id")->required();
  explain->callback([id, &result] {
    for (const RuleMeta& m : AllRuleMetas()) {
      if (m.id == *id) {
        std::cout << reporters::RuleMarkdown(m);
        result.exit_code = kExitPass;
        return;
      }
    }
    std::cerr << fmt::format("syncgate: no rule '{}'; 'syncgate rules list' shows them all\n", *id);
    result.exit_code = kExitError;
  });

  auto dir = std::make_shared<std::string>("docs/rules");
  CLI::App* docs = rules->add_subcommand("docs", "Write docs/rules/<id>.md and the index");
  docs->add_option("dir", *dir, "Output folder (default: docs/rules)");
  docs->callback([dir, &result] {
    std::error_code ec;
    std::filesystem::create_directories(*dir, ec);
    const auto metas = AllRuleMetas();
    auto write = [&](const std::string& name, const std::string& text) {
      std::ofstream out(*dir + "/" + name, std::ios::binary);
      out << text;
      return static_cast<bool>(out);
    };
    bool ok = write("README.md", reporters::RuleIndexMarkdown(metas));
    for (const RuleMeta& m : metas)
      ok &= write(std::string(m.id) + ".md", reporters::RuleMarkdown(m));
    if (!ok) std::cerr << fmt::format("syncgate: cannot write rule docs to {}\n", *dir);
    result.exit_code = ok ? kExitPass : kExitError;
  });
}

}  // namespace syncgate::cli
