// The flags every checking command shares, so that `check` and `checklist` read them alike.
#include "cli/commands.h"

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

}  // namespace syncgate::cli
