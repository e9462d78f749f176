#pragma once
// Whether a test server started, and if not, whether the test should skip (a tool it needs is
// not installed) or fail (it is installed and did not work).
//
//   ServerStatus started = registry.Start();
//   SKIP_UNLESS_STARTED(started);  // WARN + return when unavailable, REQUIRE(ok) otherwise
//
// Catch2 v2 has no SKIP: tests that cannot run warn and return, as REQUIRE_HELM does.

#include <string>
#include <utility>

namespace syncgate::testing {

struct ServerStatus {
  enum class Code {
    kOk,
    kUnavailable,  // a tool the server needs is not installed: the test skips
    kFailed,       // it is installed and did not start: the test fails
  };
  Code code = Code::kOk;
  std::string reason;  // why it is unavailable or failed, for the test output

  static ServerStatus Ok() { return {}; }
  static ServerStatus Unavailable(std::string why) { return {Code::kUnavailable, std::move(why)}; }
  static ServerStatus Failed(std::string why) { return {Code::kFailed, std::move(why)}; }
  bool ok() const { return code == Code::kOk; }
  bool unavailable() const { return code == Code::kUnavailable; }
};

}  // namespace syncgate::testing

/// Leaves the test with a warning when `status` is unavailable; fails it when it failed.
#define SKIP_UNLESS_STARTED(status)  \
  do {                               \
    const auto& started_ = (status); \
    if (started_.unavailable()) {    \
      WARN(started_.reason);         \
      return;                        \
    }                                \
    INFO(started_.reason);           \
    REQUIRE(started_.ok());          \
  } while (false)
