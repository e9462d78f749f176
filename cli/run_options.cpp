// What every checking command shares, so that `check` and `checklist` read the same flags and
// run the same rules the same way.
#include <fmt/format.h>

#include <iostream>

#include "cli/commands.h"

namespace syncgate::cli {

void AddRunOptions(CLI::App& cmd, RunOptions& opts) {
  cmd.add_option("--config", opts.config_path,
                 "Configuration file (default: .syncgate.yaml found upward from the first path)");
  cmd.add_option("--env", opts.environment,
                 "Environment for subjects no profile in .syncgate.yaml claims");
  cmd.add_option("-j,--jobs", opts.jobs, "Worker threads (default: all cores)")
      ->check(CLI::NonNegativeNumber);
  cmd.add_option(
      "--kube-version", opts.settings.kube_version,
      fmt::format("Target Kubernetes version X.Y for rendering, schemas and deprecated APIs "
                  "(default: kube_version in .syncgate.yaml, else {})",
                  kDefaultKubeVersion));
  cmd.add_option("--schema-location", opts.settings.schema_locations,
                 "kubeconform-style schema location: a folder or URL template. Repeatable")
      ->allow_extra_args(false);
  cmd.add_option("--sealed-cert", opts.settings.sealed_certs,
                 "Sealed Secrets controller certificate (PEM). Repeatable")
      ->allow_extra_args(false);
  cmd.add_option(
         "--sealed-key", opts.settings.sealed_keys,
         "Sealed Secrets controller private key (PEM or kubernetes.io/tls Secrets). Repeatable")
      ->allow_extra_args(false);
  cmd.add_option("--namespace", opts.settings.default_namespace,
                 "Namespace for objects that name none");
  cmd.add_option("--helm", opts.settings.helm_binary, "The helm binary (default: helm on PATH)");
}

std::unique_ptr<CheckRun> MakeCheckRun(const RunOptions& opts,
                                       const std::string& config_search_start,
                                       const RunSettings& settings) {
  RunRequest request;
  request.config_path = opts.config_path;
  request.config_search_start = config_search_start;
  request.environment = opts.environment;
  request.jobs = opts.jobs;
  request.settings = settings;
  Expected<std::unique_ptr<CheckRun>> run = CheckRun::Create(std::move(request));
  if (!run) {
    std::cerr << "syncgate: configuration error: " << run.error().message << "\n";
    return nullptr;
  }
  return std::move(*run);
}

}  // namespace syncgate::cli
