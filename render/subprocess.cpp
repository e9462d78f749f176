#include "render/subprocess.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

extern char** environ;

namespace syncgate::render {
namespace {
using Clock = std::chrono::steady_clock;

struct Pipe {
  int fd[2] = {-1, -1};
  bool Open() { return pipe2(fd, O_CLOEXEC) == 0; }
  void Close(int i) {
    if (fd[i] >= 0) close(fd[i]);
    fd[i] = -1;
  }
  ~Pipe() {
    Close(0);
    Close(1);
  }
};

/// The spawn attributes: a process group of the child's own (so that killing the group stops
/// what it started too, never syncgate), and SIGPIPE back at its default (syncgate ignores it,
/// and an ignored signal would be inherited across exec).
struct SpawnAttributes {
  posix_spawnattr_t attr{};
  SpawnAttributes() {
    posix_spawnattr_init(&attr);
    posix_spawnattr_setpgroup(&attr, 0);
    sigset_t defaults;
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGPIPE);
    posix_spawnattr_setsigdefault(&attr, &defaults);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF);
  }
  ~SpawnAttributes() { posix_spawnattr_destroy(&attr); }
  SpawnAttributes(const SpawnAttributes&) = delete;
  SpawnAttributes& operator=(const SpawnAttributes&) = delete;
};

/// Waits until `pid` has exited, without reaping it (its process group id stays ours to signal),
/// until `deadline`. False when it is still running then.
bool WaitForExit(pid_t pid, Clock::time_point deadline) {
  auto pause = std::chrono::milliseconds(1);
  for (;;) {
    siginfo_t info{};
    const int rc = waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT);
    if (rc == 0 && info.si_pid == pid) return true;
    if (rc < 0 && errno != EINTR) return true;  // nothing to wait for: reaping says the rest
    if (Clock::now() >= deadline) return false;
    // Usually the program closed its output because it is exiting: the first pauses are short.
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(50));
  }
}

/// "64 MiB", "512 KiB", "1000 bytes": a limit as the user would write it.
std::string SizeText(std::uintmax_t bytes) {
  if (bytes >= (1u << 20) && bytes % (1u << 20) == 0) return fmt::format("{} MiB", bytes >> 20);
  if (bytes >= (1u << 10) && bytes % (1u << 10) == 0) return fmt::format("{} KiB", bytes >> 10);
  return fmt::format("{} bytes", bytes);
}

}  // namespace

ProcessResult RunProcess(const std::vector<std::string>& argv, const std::string& stdin_text,
                         int timeout_seconds, size_t max_output) {
  ProcessResult result;
  if (argv.empty()) {
    result.error = "no program given";
    return result;
  }
  Pipe in, out, err;
  if (!in.Open() || !out.Open() || !err.Open()) {
    result.error = fmt::format("cannot create pipes: {}", std::strerror(errno));
    return result;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in.fd[0], STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, out.fd[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err.fd[1], STDERR_FILENO);
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  const SpawnAttributes attributes;
  const int rc = posix_spawnp(&pid, args[0], &actions, &attributes.attr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    result.error = fmt::format("cannot run {}: {}", argv[0], std::strerror(rc));
    return result;
  }
  result.started = true;
  in.Close(0);
  out.Close(1);
  err.Close(1);
  // A child that exits without reading its stdin must not kill us with SIGPIPE.
  signal(SIGPIPE, SIG_IGN);
  fcntl(in.fd[1], F_SETFL, O_NONBLOCK);
  if (stdin_text.empty()) in.Close(1);

  const auto deadline = Clock::now() + std::chrono::seconds(std::max(timeout_seconds, 0));
  size_t written = 0;
  char buffer[65536];
  bool stop = false;
  while (!stop && (out.fd[0] >= 0 || err.fd[0] >= 0)) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) {
      result.timed_out = stop = true;
      break;
    }
    pollfd fds[3];
    int n = 0;
    for (int fd : {out.fd[0], err.fd[0]}) {
      if (fd >= 0) fds[n++] = {fd, POLLIN, 0};
    }
    if (in.fd[1] >= 0) fds[n++] = {in.fd[1], POLLOUT, 0};
    if (poll(fds, n, static_cast<int>(left.count())) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (int i = 0; i < n && !stop; ++i) {
      if (fds[i].revents == 0) continue;
      if (fds[i].fd == in.fd[1]) {
        const ssize_t w = write(in.fd[1], stdin_text.data() + written, stdin_text.size() - written);
        if (w > 0) written += static_cast<size_t>(w);
        if (w < 0 && errno != EAGAIN) written = stdin_text.size();
        if (written >= stdin_text.size()) in.Close(1);
        continue;
      }
      const bool is_out = fds[i].fd == out.fd[0];
      std::string& sink = is_out ? result.out : result.err;
      const ssize_t r = read(fds[i].fd, buffer, sizeof buffer);
      if (r > 0) {
        sink.append(buffer, static_cast<size_t>(r));
        // What it wrote so far is not trustworthy: it is stopped like a hang.
        if (sink.size() > max_output) result.output_exceeded = stop = true;
      } else if (r == 0 || errno != EAGAIN) {
        (is_out ? out : err).Close(0);
      }
    }
  }
  // Both streams closed: the program is usually exiting, but it may have closed them and gone
  // on (or hung); the deadline still holds.
  if (!stop && !WaitForExit(pid, deadline)) result.timed_out = stop = true;
  // The whole group goes: what the program started in turn would otherwise outlive it (and a
  // stopped program's children would hold on to nothing but resources). The leader is not
  // reaped yet, so the group id cannot have been reused.
  kill(-pid, SIGKILL);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) result.signal = WTERMSIG(status);
  return result;
}

ProcessResult RunProcess(const std::vector<std::string>& argv, const std::string& stdin_text,
                         const RenderLimits& limits) {
  return RunProcess(
      argv, stdin_text,
      limits.timeout_seconds > 0 ? limits.timeout_seconds : kDefaultRenderTimeoutSeconds,
      static_cast<size_t>(limits.max_output_bytes > 0 ? limits.max_output_bytes
                                                      : kDefaultRenderMaxOutput));
}

std::string StoppedReason(const ProcessResult& p, std::string_view program,
                          const RenderLimits& limits) {
  if (p.timed_out) {
    return fmt::format(
        "{} was stopped after the render time limit of {} s ({})", program,
        limits.timeout_seconds > 0 ? limits.timeout_seconds : kDefaultRenderTimeoutSeconds,
        limits.timeout_origin.empty() ? "the default" : limits.timeout_origin);
  }
  if (p.output_exceeded) {
    return fmt::format(
        "{} was stopped: it wrote more than the render output limit of {} ({})", program,
        SizeText(limits.max_output_bytes > 0 ? limits.max_output_bytes : kDefaultRenderMaxOutput),
        limits.max_output_origin.empty() ? "the default" : limits.max_output_origin);
  }
  if (p.signal != 0) {
    // glibc's own names (thread-safe, unlike strsignal): "SEGV", "Segmentation fault".
    const char* abbrev = sigabbrev_np(p.signal);
    const char* description = sigdescr_np(p.signal);
    if (!abbrev || !description) return fmt::format("{} crashed with signal {}", program, p.signal);
    return fmt::format("{} crashed with signal {} (SIG{}, {})", program, p.signal, abbrev,
                       description);
  }
  return "";
}

}  // namespace syncgate::render
