#include "render/subprocess.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

extern char** environ;

namespace syncgate::render {
namespace {

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
  const int rc = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
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

  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_seconds);
  size_t written = 0;
  char buffer[65536];
  while (out.fd[0] >= 0 || err.fd[0] >= 0) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      result.timed_out = true;
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
    for (int i = 0; i < n; ++i) {
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
        if (sink.size() > max_output) {
          result.timed_out = true;  // treated like a hang: the output is not trustworthy
          break;
        }
      } else if (r == 0 || errno != EAGAIN) {
        (is_out ? out : err).Close(0);
      }
    }
    if (result.timed_out) break;
  }
  if (result.timed_out) kill(pid, SIGKILL);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) result.signal = WTERMSIG(status);
  return result;
}

}  // namespace syncgate::render
