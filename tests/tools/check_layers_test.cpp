// The include map holds: tools/check-layers.sh (which folder may include which, and the one file
// that wraps each third-party library) passes on the tree.
#include <catch2/catch.hpp>

#include "tests/test_util.h"

namespace syncgate {

TEST_CASE("the include map holds (tools/check-layers.sh)", "[layers]") {
  const auto script = testing::SourceDir() / "tools" / "check-layers.sh";
  REQUIRE(std::filesystem::exists(script));
  const auto run = testing::RunShell("bash '" + script.string() + "'");
  INFO(run.out << run.err);
  CHECK(run.exit_code == 0);
}

}  // namespace syncgate
