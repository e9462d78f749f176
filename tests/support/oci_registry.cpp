#include "tests/support/oci_registry.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>
#include <vector>

#include "tests/support/loopback_http_server.h"

namespace syncgate::testing {
namespace fs = std::filesystem;

namespace {

/// A port nothing listens on right now: bind 127.0.0.1:0, read it back, let it go. Another
/// process may take it before the registry binds it; Start() then tries again.
int FreePort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return 0;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  int port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  ::close(fd);
  return port;
}

std::string Slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string Tail(const std::string& text, size_t max) {
  return text.size() <= max ? text : "..." + text.substr(text.size() - max);
}

bool Executable(const fs::path& path) {
  std::error_code ec;
  return fs::is_regular_file(path, ec) && ::access(path.c_str(), X_OK) == 0;
}

}  // namespace

std::string FindDockerRegistry(const std::string& configured) {
  if (!configured.empty()) return Executable(configured) ? configured : "";
  if (Executable("/usr/bin/docker-registry")) return "/usr/bin/docker-registry";
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "");
  for (std::string dir; std::getline(dirs, dir, ':');) {
    if (!dir.empty() && Executable(fs::path(dir) / "docker-registry"))
      return (fs::path(dir) / "docker-registry").string();
  }
  return "";
}

OciRegistry::OciRegistry(OciRegistryOptions options) : options_(std::move(options)) {}

OciRegistry::~OciRegistry() { Stop(); }

std::string OciRegistry::host() const { return "127.0.0.1:" + std::to_string(port_); }

std::string OciRegistry::OciUrl(const std::string& repository) const {
  return "oci://" + host() + "/" + repository;
}

std::string OciRegistry::Log() const { return Slurp(dir_ / "registry.log"); }

ServerStatus OciRegistry::Start() {
  if (pid_ > 0) return ServerStatus::Failed("the registry is already running");
  const std::string binary = FindDockerRegistry(options_.binary);
  if (binary.empty()) {
    return ServerStatus::Unavailable(
        "docker-registry not found: run tools/install-registry.sh (Debian's docker-registry "
        "package, without its service; tools/test.sh runs it)");
  }
  // The free port can be taken between FreePort() and the registry's bind: try a few.
  ServerStatus status;
  for (int attempt = 0; attempt < 3; ++attempt) {
    status = StartOnce(binary);
    if (status.ok() || Log().find("address already in use") == std::string::npos) break;
  }
  return status;
}

ServerStatus OciRegistry::StartOnce(const std::string& binary) {
  port_ = FreePort();
  if (port_ == 0) return ServerStatus::Failed("no free port on 127.0.0.1");
  std::random_device rd;
  const fs::path config = dir_ / "config.yml";
  const fs::path storage = dir_ / "storage";
  fs::create_directories(storage);
  // No auth, storage in the test's folder, errors only in the log; no health check of the
  // storage driver (it would log every 10 s), a fixed secret (else it warns about a random one).
  WriteFile(config,
            "version: 0.1\n"
            "log:\n"
            "  level: error\n"
            "  accesslog:\n"
            "    disabled: true\n"
            "storage:\n"
            "  filesystem:\n"
            "    rootdirectory: " +
                storage.string() +
                "\n"
                "  delete:\n"
                "    enabled: true\n"
                "http:\n"
                "  addr: " +
                host() + "\n  secret: syncgate-test-" + std::to_string(rd()) +
                "\n"
                "health:\n"
                "  storagedriver:\n"
                "    enabled: false\n");
  const std::string log = (dir_ / "registry.log").string();
  // Everything the child needs is made before fork(): after it only async-signal-safe calls.
  std::vector<std::string> args = {binary, "serve", config.string()};
  std::vector<char*> argv;
  argv.reserve(args.size() + 1);
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  const int log_fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (log_fd < 0) return ServerStatus::Failed("cannot write " + log);
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(log_fd);
    return ServerStatus::Failed(std::string("fork: ") + std::strerror(errno));
  }
  if (pid == 0) {
    // A test binary killed mid-run takes its registry with it.
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (::getppid() != parent) ::_exit(127);
    const int null_fd = ::open("/dev/null", O_RDONLY);
    if (null_fd >= 0) ::dup2(null_fd, 0);
    ::dup2(log_fd, 1);
    ::dup2(log_fd, 2);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(log_fd);
  pid_ = pid;

  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(options_.start_timeout_seconds);
  while (std::chrono::steady_clock::now() < deadline) {
    int wstatus = 0;
    if (::waitpid(pid_, &wstatus, WNOHANG) == pid_) {
      pid_ = -1;
      return ServerStatus::Failed("docker-registry exited before answering (" +
                                  (WIFEXITED(wstatus)
                                       ? "exit " + std::to_string(WEXITSTATUS(wstatus))
                                       : "signal " + std::to_string(WTERMSIG(wstatus))) +
                                  "): " + Tail(Log(), 2000));
    }
    if (HttpRequest(port_, "GET", "/v2/").status == 200) return ServerStatus::Ok();
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  Stop();
  return ServerStatus::Failed("docker-registry did not answer GET /v2/ on " + host() + " within " +
                              std::to_string(options_.start_timeout_seconds) +
                              " s: " + Tail(Log(), 2000));
}

void OciRegistry::Stop() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  for (;;) {
    int wstatus = 0;
    const pid_t done = ::waitpid(pid_, &wstatus, WNOHANG);
    if (done == pid_ || (done < 0 && errno != EINTR)) break;
    if (std::chrono::steady_clock::now() >= deadline) {
      ::kill(pid_, SIGKILL);
      while (::waitpid(pid_, &wstatus, 0) < 0 && errno == EINTR) {
      }
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  pid_ = -1;
}

}  // namespace syncgate::testing
