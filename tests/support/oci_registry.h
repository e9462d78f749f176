#pragma once
// A real OCI registry for tests: Debian's `docker-registry` (distribution 2.8, package
// docker-registry) started on 127.0.0.1 and a free port, with filesystem storage in a temporary
// folder, no auth and quiet logs. `helm push chart.tgz oci://<host>/charts --plain-http` and
// `helm pull oci://<host>/charts/<name> --plain-http` work against it. The destructor stops it
// (SIGTERM, SIGKILL after 5 seconds) and reaps it, and removes its storage.
//
//   OciRegistry registry;
//   SKIP_UNLESS_STARTED(registry.Start());   // skips when docker-registry is not installed
//   RunShell(helm + " push web-0.1.0.tgz " + registry.OciUrl("charts") + " --plain-http");
//
// tools/install-registry.sh (run by tools/test.sh) installs the package without starting its
// system service (port 5000, all interfaces), which is never used here.

#include <sys/types.h>

#include <string>

#include "tests/support/server_status.h"
#include "tests/test_util.h"

namespace syncgate::testing {

struct OciRegistryOptions {
  /// Empty: /usr/bin/docker-registry, else `docker-registry` on PATH.
  std::string binary;
  /// How long to wait for `GET /v2/` to answer before giving up.
  int start_timeout_seconds = 20;
};

class OciRegistry {
 public:
  explicit OciRegistry(OciRegistryOptions options = {});
  ~OciRegistry();  // Stop()
  OciRegistry(const OciRegistry&) = delete;
  OciRegistry& operator=(const OciRegistry&) = delete;

  /// Writes the config, starts the registry and waits until `GET /v2/` answers 200. Unavailable
  /// when the binary is missing; failed (with the registry's log) when it does not come up.
  ServerStatus Start();
  /// SIGTERM, then SIGKILL after a bound; reaps the process. Idempotent.
  void Stop();

  int port() const { return port_; }
  /// "127.0.0.1:<port>"
  std::string host() const;
  /// "oci://127.0.0.1:<port>/<repository>"
  std::string OciUrl(const std::string& repository) const;
  /// The registry's output so far (errors only: the log level is error).
  std::string Log() const;

 private:
  ServerStatus StartOnce(const std::string& binary);

  OciRegistryOptions options_;
  TempDir dir_;  // config.yml, storage/, registry.log
  pid_t pid_ = -1;
  int port_ = 0;
};

/// The docker-registry binary the options name, or empty when there is none.
std::string FindDockerRegistry(const std::string& configured = "");

}  // namespace syncgate::testing
