#pragma once
// Runs a program without a shell, feeding stdin and collecting stdout and stderr, with a timeout.
//
//   ProcessResult r = RunProcess({"helm", "template", "chart/"}, /*stdin=*/"", 60);
//   if (!r.started) Fail(r.error);               // not found, not executable
//   if (r.timed_out || r.signal) Fail(...);      // killed
//   if (r.exit_code != 0) Show(r.err);

#include <string>
#include <vector>

namespace syncgate::render {

struct ProcessResult {
  bool started = false;    // false: the program could not be run (see error)
  std::string error;       // why it could not be run
  int exit_code = -1;      // when it exited normally
  int signal = 0;          // when a signal ended it
  bool timed_out = false;  // killed after the timeout
  std::string out;
  std::string err;
};

/// Runs `argv[0]` (a path, or a name looked up on PATH) with `argv`. Output beyond `max_output`
/// bytes per stream is cut (and the process killed) so a runaway renderer cannot exhaust memory.
ProcessResult RunProcess(const std::vector<std::string>& argv, const std::string& stdin_text,
                         int timeout_seconds, size_t max_output = size_t{256} << 20);

}  // namespace syncgate::render
