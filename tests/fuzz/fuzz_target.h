#pragma once
// One fuzz target per tests/fuzz/<name>_fuzz.cpp, built two ways from the same source:
//   - libFuzzer (bench/fuzz.sh, clang, -DSYNCGATE_FUZZ=ON): the body is LLVMFuzzerTestOneInput
//     and a broken invariant aborts, so libFuzzer saves the input as a crash;
//   - replay (the test binary, any compiler, SYNCGATE_FUZZ_REPLAY): the body registers under its
//     name, and tests/fuzz/fuzz_replay_test.cpp runs it over seeds, regressions and a bounded
//     deterministic mutation loop; a broken invariant is recorded and fails that test.
//
//   SYNCGATE_FUZZ_TARGET(document) {
//     std::string_view input = fuzz::AsText(data, size);
//     FUZZ_CHECK(Parse(input).ok() || !input.empty(), "empty input must parse");
//     return 0;
//   }

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace syncgate::fuzz {

using TargetFn = int (*)(const uint8_t* data, size_t size);

/// A broken invariant: aborts under libFuzzer, is recorded (the first one) under replay.
void Fail(const char* file, int line, std::string_view what);

inline std::string_view AsText(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

/// Splits an input into up to `parts` texts at lines holding only "%%" (one input can carry a
/// Chart.yaml and its Chart.lock). Missing parts repeat the last one, so that a plain file from
/// the tree is a useful seed for every part.
std::vector<std::string> SplitParts(std::string_view input, size_t parts);

#ifdef SYNCGATE_FUZZ_REPLAY
/// Replay registry (the test binary): name → target.
bool Register(const char* name, TargetFn fn);
struct Registered {
  std::string name;
  TargetFn fn;
};
const std::vector<Registered>& Targets();
/// The first broken invariant since the last call, cleared by the call.
std::string TakeFailure();
#endif

}  // namespace syncgate::fuzz

#define FUZZ_CHECK(cond, what)                                       \
  do {                                                               \
    if (!(cond)) ::syncgate::fuzz::Fail(__FILE__, __LINE__, (what)); \
  } while (false)

#ifdef SYNCGATE_FUZZ_REPLAY
#define SYNCGATE_FUZZ_TARGET(name)                                    \
  static int SyncgateFuzz_##name(const uint8_t* data, size_t size);   \
  [[maybe_unused]] static const bool kSyncgateFuzzRegistered_##name = \
      ::syncgate::fuzz::Register(#name, &SyncgateFuzz_##name);        \
  static int SyncgateFuzz_##name(const uint8_t* data, size_t size)
#else
#define SYNCGATE_FUZZ_TARGET(name) \
  extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
#endif
