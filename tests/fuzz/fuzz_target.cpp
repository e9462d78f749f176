// Support of the fuzz targets (tests/fuzz/fuzz_target.h): failure reporting, input splitting, and
// under replay the registry of targets.
#include "tests/fuzz/fuzz_target.h"

#include <cstdio>
#include <cstdlib>
#include <mutex>

namespace syncgate::fuzz {

#ifdef SYNCGATE_FUZZ_REPLAY
namespace {
std::mutex& FailureMutex() {
  static std::mutex mutex;
  return mutex;
}
std::string& FailureText() {
  static std::string text;
  return text;
}
std::vector<Registered>& Registry() {
  static std::vector<Registered> targets;
  return targets;
}
}  // namespace

void Fail(const char* file, int line, std::string_view what) {
  const std::lock_guard<std::mutex> lock(FailureMutex());
  if (FailureText().empty())
    FailureText() = std::string(file) + ":" + std::to_string(line) + ": " + std::string(what);
}

bool Register(const char* name, TargetFn fn) {
  Registry().push_back({name, fn});
  return true;
}

const std::vector<Registered>& Targets() { return Registry(); }

std::string TakeFailure() {
  const std::lock_guard<std::mutex> lock(FailureMutex());
  std::string text;
  text.swap(FailureText());
  return text;
}
#else
void Fail(const char* file, int line, std::string_view what) {
  // libFuzzer saves the input when the process dies.
  std::fprintf(stderr, "%s:%d: fuzz invariant broken: %.*s\n", file, line,
               static_cast<int>(what.size()), what.data());
  std::abort();
}
#endif

std::vector<std::string> SplitParts(std::string_view input, size_t parts) {
  std::vector<std::string> out(1);
  size_t start = 0;
  while (start <= input.size()) {
    size_t end = input.find('\n', start);
    if (end == std::string_view::npos) end = input.size();
    const std::string_view line = input.substr(start, end - start);
    if (line == "%%" && out.size() < parts) {
      out.emplace_back();
    } else {
      out.back().append(line);
      if (end < input.size()) out.back() += '\n';
    }
    start = end + 1;
  }
  while (out.size() < parts) out.push_back(out.back());
  return out;
}

}  // namespace syncgate::fuzz
