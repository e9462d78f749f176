// What every checking command shares, so that `check` and `checklist` read the same flags and
// run the same rules the same way.
#include <iostream>
#include <thread>

#include "checker/rule_pack.h"
#include "cli/commands.h"
#include "render/render_stage.h"
#include "rules/registry.h"

namespace syncgate::cli {

void AddRunOptions(CLI::App& cmd, RunOptions& opts) {
  cmd.add_option("--config", opts.config_path,
                 "Configuration file (default: .syncgate.yaml found upward from the first path)");
  cmd.add_option("--env", opts.environment,
                 "Environment for subjects no profile in .syncgate.yaml claims");
  cmd.add_option("-j,--jobs", opts.jobs, "Worker threads (default: all cores)")
      ->check(CLI::NonNegativeNumber);
  cmd.add_option("--kube-version", opts.settings.kube_version,
                 "Target Kubernetes version X.Y for schemas and deprecated APIs (default 1.31)");
  cmd.add_option("--schema-location", opts.settings.schema_locations,
                 "kubeconform-style schema location: a folder or URL template. Repeatable")
      ->allow_extra_args(false);
  cmd.add_option("--sealed-cert", opts.settings.sealed_certs,
                 "Sealed Secrets controller certificate (PEM). Repeatable")
      ->allow_extra_args(false);
  cmd.add_option("--sealed-key", opts.settings.sealed_keys,
                 "Sealed Secrets controller private key (PEM or kubernetes.io/tls Secrets). Repeatable")
      ->allow_extra_args(false);
  cmd.add_option("--namespace", opts.settings.default_namespace,
                 "Namespace for objects that name none");
  cmd.add_option("--helm", opts.settings.helm_binary, "The helm binary (default: helm on PATH)");
}

std::optional<Config> LoadConfigOrReport(const std::string& path) {
  if (path.empty()) return Config{};
  Expected<Config> loaded = Config::Load(path);
  if (!loaded) {
    std::cerr << "syncgate: configuration error: " << loaded.error().message << "\n";
    return std::nullopt;
  }
  return std::move(*loaded);
}

std::unique_ptr<Engine> MakeCheckEngine(const Config& config, const RunOptions& opts,
                                        const RunSettings& settings) {
  EngineOptions engine_options;
  engine_options.jobs = opts.jobs;
  engine_options.environment = opts.environment;
  engine_options.settings = settings;
  RuleList rules = MakeBuiltinRules();
  if (Status packs = AppendRulePacks(config, rules); !packs) {
    std::cerr << "syncgate: configuration error: " << packs.error().message << "\n";
    return nullptr;
  }
  auto engine = std::make_unique<Engine>(config, std::move(rules), engine_options);
  // Charts are rendered (helm template) once per values set and Application; see render/.
  render::AddRendering(*engine, config, settings,
                       opts.jobs > 0 ? opts.jobs : static_cast<int>(std::thread::hardware_concurrency()));
  if (Status prepared = engine->Prepare(); !prepared) {
    std::cerr << "syncgate: configuration error: " << prepared.error().message << "\n";
    return nullptr;
  }
  return engine;
}

}  // namespace syncgate::cli
