// Bad input never crashes, hangs or passes silently: a positioned finding or a clear message
// and exit 2, in bounded time. Each case runs the real binary under `timeout` (exit 124 = hang).
#include <unistd.h>

#include <catch2/catch.hpp>
#include <fstream>

#include "tests/test_util.h"

namespace syncgate {
namespace {
using testing::RunSyncgate;
using testing::TempDir;
using testing::WriteFile;

testing::CommandOutput CheckWithTimeout(const std::string& args) {
  return testing::RunShell(std::string("timeout 120 '") + SYNCGATE_BINARY + "' check --no-color " +
                           args);
}

}  // namespace

TEST_CASE("broken YAML is a positioned yaml-syntax finding", "[bad-input]") {
  TempDir dir;
  WriteFile(dir / "broken.yaml", "a: 1\nb: [1, 2\nc: 3\n");
  auto out = CheckWithTimeout((dir / "broken.yaml").string());
  CHECK(out.exit_code == 1);
  CHECK_THAT(out.out,
             Catch::Contains("broken.yaml:3:2: error:") && Catch::Contains("[yaml-syntax]"));
}

TEST_CASE("input on which the YAML parser stops advancing ends with a finding", "[bad-input]") {
  // ",!" made yaml-cpp 0.7 return empty documents forever (found by bench/fuzz.sh): the check
  // ran until memory was exhausted. It must end at once (a short timeout: the broken loop eats
  // memory fast, and an address-space limit would stop the ASan build from starting at all).
  TempDir dir;
  WriteFile(dir / "stuck.yaml", ",!");
  auto out = testing::RunShell("timeout 10 '" + std::string(SYNCGATE_BINARY) +
                               "' check --no-color '" + (dir / "stuck.yaml").string() + "'");
  CHECK(out.exit_code == 1);
  CHECK_THAT(out.out,
             Catch::Contains("stuck.yaml:1:1: error: the YAML parser stops making progress") &&
                 Catch::Contains("[yaml-syntax]"));
}

TEST_CASE("a tab-indented file names the tab", "[bad-input]") {
  TempDir dir;
  WriteFile(dir / "tabs.yaml", "spec:\n\treplicas: 2\n");
  auto out = CheckWithTimeout((dir / "tabs.yaml").string());
  CHECK(out.exit_code == 1);
  CHECK_THAT(out.out, Catch::Contains("tabs.yaml:2:1: error: tab character used for indentation"));
}

TEST_CASE("a 50 MB file is refused with a clear message and exit 2", "[bad-input]") {
  TempDir dir;
  {
    std::ofstream out(dir / "huge.yaml");
    const std::string line = "key: " + std::string(94, 'x') + "\n";  // 100 bytes
    for (int i = 0; i < 524288; ++i) out << line;                    // 50 MiB
  }
  auto out = CheckWithTimeout((dir / "huge.yaml").string());
  CHECK(out.exit_code == 2);
  CHECK_THAT(out.err, Catch::Contains("huge.yaml: 52428800 bytes is over the") &&
                          Catch::Contains("max_file_size"));
}

TEST_CASE("a large file is checked when the limit allows it", "[bad-input]") {
  TempDir dir;
  {
    std::ofstream out(dir / "big.yaml");
    for (int i = 0; i < 200000; ++i) out << "- item: " << i << "\n";
  }
  WriteFile(dir / ".syncgate.yaml", "max_file_size: 64MiB\n");
  auto out = CheckWithTimeout((dir / "big.yaml").string());
  CHECK(out.exit_code == 0);
  CHECK_THAT(out.out, Catch::Contains("1 files, 1 documents"));
}

TEST_CASE("a document nested 10,000 levels deep is a finding, not a stack overflow",
          "[bad-input]") {
  TempDir dir;
  WriteFile(dir / "deep-flow.yaml",
            "a: " + std::string(10000, '[') + std::string(10000, ']') + "\n");
  std::string block;
  for (int i = 0; i < 10000; ++i) block += "- ";  // compact nested block sequences
  WriteFile(dir / "deep-block.yaml", block + "x\n");
  auto out = CheckWithTimeout(dir.path().string());
  CHECK(out.exit_code == 1);
  CHECK_THAT(out.out,
             Catch::Contains("deep-flow.yaml:1:") && Catch::Contains("nested deeper than"));
  CHECK_THAT(out.out, Catch::Contains("deep-block.yaml:1:"));
}

TEST_CASE("an alias bomb is refused as excessive aliasing, without expanding it", "[bad-input]") {
  TempDir dir;
  std::string text =
      "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n";
  char prev = 'a';
  for (char c = 'b'; c <= 'j'; ++c) {
    text += std::string(1, c) + ": &" + c + " [";
    for (int i = 0; i < 9; ++i) text += std::string(i ? "," : "") + "*" + prev;
    text += "]\n";
    prev = c;
  }
  WriteFile(dir / "lol.yaml", text);
  auto out = CheckWithTimeout((dir / "lol.yaml").string());
  // Valid YAML, but Kubernetes and Helm (go-yaml) refuse it; it finishes (CheckWithTimeout).
  CHECK(out.exit_code == 1);
  CHECK_THAT(out.out, Catch::Contains("lol.yaml:1:1: error: the document's aliases expand to "
                                      "4412961516 nodes (\"billion laughs\")") &&
                          Catch::Contains("1 files, 0 documents"));
}

TEST_CASE("invalid UTF-8 is positioned", "[bad-input]") {
  TempDir dir;
  WriteFile(dir / "latin1.yaml", "name: ok\ncity: M\xfcnchen\n");
  auto out = CheckWithTimeout((dir / "latin1.yaml").string());
  CHECK(out.exit_code == 1);
  CHECK_THAT(out.out, Catch::Contains("latin1.yaml:2:8: error: invalid UTF-8"));
}

TEST_CASE("a binary file named .yaml is reported, a binary elsewhere is skipped", "[bad-input]") {
  TempDir dir;
  WriteFile(dir / "image.yaml", std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16));
  WriteFile(dir / "tool.bin", std::string("\x7f"
                                          "ELF\0\0\0\0",
                                          8));
  auto out = CheckWithTimeout(dir.path().string());
  CHECK(out.exit_code == 1);
  CHECK_THAT(out.out, Catch::Contains("image.yaml:3:1: error: binary content"));
  CHECK_THAT(out.err, Catch::Contains("skipped") && Catch::Contains("tool.bin: binary file"));
}

TEST_CASE("an empty file alone means nothing was checked: exit 2", "[bad-input]") {
  TempDir dir;
  WriteFile(dir / "empty.yaml", "");
  auto out = CheckWithTimeout((dir / "empty.yaml").string());
  CHECK(out.exit_code == 2);
  CHECK_THAT(out.err, Catch::Contains("nothing to check"));
  // Beside other documents an empty file (a chart's empty values.yaml) is fine.
  WriteFile(dir / "other.yaml", "a: 1\n");
  auto both = CheckWithTimeout(dir.path().string());
  CHECK(both.exit_code == 0);
}

TEST_CASE("a path that does not exist is exit 2 with its name", "[bad-input]") {
  auto out = CheckWithTimeout("/nonexistent/syncgate-dir");
  CHECK(out.exit_code == 2);
  CHECK_THAT(out.err, Catch::Contains("/nonexistent/syncgate-dir: no such file or directory"));
}

TEST_CASE("an unreadable file is exit 2 with its name", "[bad-input]") {
  TempDir dir;
  WriteFile(dir / "secret.yaml", "a: 1\n");
  std::filesystem::permissions(dir / "secret.yaml", std::filesystem::perms::none);
  std::filesystem::permissions(dir.path(), std::filesystem::perms::all,
                               std::filesystem::perm_options::add);
  std::string prefix;
  if (geteuid() == 0) {
    // root reads anything: drop to nobody so the permission bits count.
    if (testing::RunShell("command -v setpriv").exit_code != 0) {
      WARN("setpriv not available; cannot test unreadable files as root");
      return;
    }
    prefix = "setpriv --reuid=65534 --regid=65534 --clear-groups ";
  }
  auto out = testing::RunShell(prefix + "timeout 60 '" + SYNCGATE_BINARY + "' check " +
                               (dir / "secret.yaml").string());
  CHECK(out.exit_code == 2);
  CHECK_THAT(out.err, Catch::Contains("secret.yaml: cannot read"));
}

}  // namespace syncgate
