#pragma once
// Runs a program without a shell, feeding stdin and collecting stdout and stderr, with a timeout
// and a bound on its output. The program runs in a process group of its own, so that what it
// starts in turn (kustomize's helm, a helm plugin) is stopped with it.
//
//   ProcessResult r = RunProcess({"helm", "template", "chart/"}, /*stdin=*/"", 60);
//   if (!r.started) Fail(r.error);                  // not found, not executable
//   if (r.timed_out || r.output_exceeded) Fail(...);  // stopped: see StoppedReason
//   if (r.signal) Fail(...);                        // crashed
//   if (r.exit_code != 0) Show(r.err);

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "checker/run_settings.h"

namespace syncgate::render {

struct ProcessResult {
  bool started = false;          // false: the program could not be run (see error)
  std::string error;             // why it could not be run
  int exit_code = -1;            // when it exited normally
  int signal = 0;                // when a signal ended it (also when it was stopped)
  bool timed_out = false;        // stopped: still running at the timeout
  bool output_exceeded = false;  // stopped: wrote more than max_output on stdout or stderr
  std::string out;
  std::string err;
};

/// Runs `argv[0]` (a path, or a name looked up on PATH) with `argv`. A program still running
/// after `timeout_seconds`, or writing more than `max_output` bytes on either stream (a runaway
/// renderer must not exhaust memory), is killed with its whole process group; it is always
/// reaped before this returns.
ProcessResult RunProcess(const std::vector<std::string>& argv, const std::string& stdin_text,
                         int timeout_seconds, size_t max_output = size_t{256} << 20);

/// RunProcess with the run's render limits (settings.render_limits, resolved).
ProcessResult RunProcess(const std::vector<std::string>& argv, const std::string& stdin_text,
                         const RenderLimits& limits);

/// Why `p` did not end on its own, naming the limit and where it was set ("helm v3.17.2 was
/// stopped after the render time limit of 120 s (render.timeout in .syncgate.yaml)"), or that it
/// crashed ("helm v3.17.2 crashed with signal 11 (Segmentation fault)"); empty when it exited.
std::string StoppedReason(const ProcessResult& p, std::string_view program,
                          const RenderLimits& limits);

}  // namespace syncgate::render
