// The fuzz targets (tests/fuzz/<name>_fuzz.cpp) as a short deterministic fuzz run inside the test
// suite, so that CI runs them under ASan+UBSan (gcc) without a clang build: each target gets its
// seeds (files of the tree picked per target, tests/fuzz/seeds/<name>/), every input of
// tests/fuzz/regressions/<name>/, and a fixed number of inputs mutated from those with a
// fixed-seed xorshift (bit flips, truncation, byte insertion, duplication, splicing two seeds).
// A broken invariant fails the test with the input saved to a file; a crash stops the binary.
// bench/fuzz.sh runs the same targets with libFuzzer for as long as you like.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <initializer_list>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "tests/fuzz/fuzz_target.h"
#include "tests/test_util.h"

namespace fs = std::filesystem;
using syncgate::fuzz::Registered;
using syncgate::fuzz::TakeFailure;
using syncgate::fuzz::Targets;

namespace {

/// Mutated inputs per target: a few seconds each in the normal build.
constexpr int kMutations = 1500;
/// Seeds are cut to this many bytes (the mutations are what this run is about, not big files).
constexpr size_t kMaxSeedBytes = 16 * 1024;
/// Tree files per target, at most (sorted by path, so the set is the same on every machine).
constexpr size_t kMaxTreeSeeds = 40;

std::string ReadAll(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<fs::path> FilesUnder(const fs::path& root,
                                 const std::function<bool(const fs::path&)>& wanted, size_t limit) {
  std::vector<fs::path> out;
  std::error_code ec;
  if (!fs::is_directory(root, ec)) return out;
  for (auto it = fs::recursive_directory_iterator(root, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    if (it->is_regular_file(ec) && wanted(it->path())) out.push_back(it->path());
  }
  std::sort(out.begin(), out.end());
  if (out.size() > limit) out.resize(limit);
  return out;
}

bool NameIs(const fs::path& p, std::initializer_list<std::string_view> names) {
  const std::string name = p.filename().string();
  return std::any_of(names.begin(), names.end(), [&](std::string_view n) { return name == n; });
}

/// Files of the tree that make good seeds for `target` (bench/fuzz.sh picks more).
std::vector<fs::path> TreeSeeds(const std::string& target) {
  const fs::path src = syncgate::testing::SourceDir();
  auto yaml = [](const fs::path& p) { return p.extension() == ".yaml"; };
  if (target == "document") return FilesUnder(src / "tests" / "rules", yaml, kMaxTreeSeeds);
  if (target == "config") {
    auto seeds = FilesUnder(src / "rules" / "packs", yaml, kMaxTreeSeeds);
    for (auto& p : FilesUnder(
             src / "tests", [](const fs::path& p) { return NameIs(p, {".syncgate.yaml"}); },
             kMaxTreeSeeds))
      seeds.push_back(p);
    return seeds;
  }
  if (target == "sealed") {
    return FilesUnder(
        src / "tests" / "rules",
        [&](const fs::path& p) {
          return yaml(p) && p.string().find("/sealed-") != std::string::npos;
        },
        kMaxTreeSeeds);
  }
  if (target == "chart") {
    return FilesUnder(
        src / "tests" / "rules",
        [](const fs::path& p) {
          return NameIs(p, {"Chart.yaml", "Chart.lock", "values.yaml", "values-prod.yaml"});
        },
        kMaxTreeSeeds);
  }
  if (target == "go_template") return FilesUnder(src / "examples" / "applicationsets", yaml, 10);
  if (target == "schema") {
    return FilesUnder(
        src / "schemas", [](const fs::path& p) { return p.extension() == ".json"; }, kMaxTreeSeeds);
  }
  return {};
}

/// xorshift64: the same mutations on every machine and run.
struct XorShift {
  uint64_t state;
  uint64_t Next() {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  }
  size_t Below(size_t n) { return n == 0 ? 0 : static_cast<size_t>(Next() % n); }
};

std::string Mutate(const std::vector<std::string>& corpus, XorShift& rng) {
  std::string s = corpus[rng.Below(corpus.size())];
  const int steps = 1 + static_cast<int>(rng.Below(4));
  for (int i = 0; i < steps; ++i) {
    switch (rng.Below(6)) {
      case 0:  // flip a bit
        if (!s.empty()) s[rng.Below(s.size())] ^= static_cast<char>(1u << rng.Below(8));
        break;
      case 1:  // truncate
        s.resize(rng.Below(s.size() + 1));
        break;
      case 2: {  // insert a byte: often one YAML cares about
        static constexpr char kList[] = ":-[]{}&*!|>#'\"\n \t%@`,?\\\0\xff";
        static constexpr std::string_view kBytes(kList, sizeof kList - 1);
        const char c =
            rng.Below(2) ? kBytes[rng.Below(kBytes.size())] : static_cast<char>(rng.Below(256));
        s.insert(s.begin() + static_cast<std::ptrdiff_t>(rng.Below(s.size() + 1)), c);
        break;
      }
      case 3: {  // duplicate a chunk (nesting, repetition)
        if (s.empty()) break;
        const size_t at = rng.Below(s.size());
        const size_t len = 1 + rng.Below(std::min<size_t>(64, s.size() - at));
        s.insert(at, s.substr(at, len));
        break;
      }
      case 4: {  // splice: the head of this input, the tail of another
        const std::string& other = corpus[rng.Below(corpus.size())];
        s = s.substr(0, rng.Below(s.size() + 1)) + other.substr(rng.Below(other.size() + 1));
        break;
      }
      default:  // overwrite a byte
        if (!s.empty()) s[rng.Below(s.size())] = static_cast<char>(rng.Below(256));
        break;
    }
    if (s.size() > 4 * kMaxSeedBytes) s.resize(4 * kMaxSeedBytes);
  }
  return s;
}

/// Runs `input` through the target; on a broken invariant, saves the input and returns why.
std::string RunOne(const Registered& target, const std::string& input, const std::string& origin) {
  target.fn(reinterpret_cast<const uint8_t*>(input.data()), input.size());
  std::string failure = TakeFailure();
  if (failure.empty()) return "";
  const fs::path saved = fs::temp_directory_path() / ("fuzz-" + target.name + "-failure");
  std::ofstream(saved, std::ios::binary) << input;
  return failure + " (input: " + origin + ", saved as " + saved.string() + ")";
}

}  // namespace

TEST_CASE("every fuzz target source is registered for replay", "[fuzz]") {
  std::set<std::string> registered;
  for (const Registered& t : Targets()) registered.insert(t.name);
  std::set<std::string> sources;
  for (const auto& entry :
       fs::directory_iterator(syncgate::testing::SourceDir() / "tests" / "fuzz")) {
    const std::string name = entry.path().filename().string();
    if (name.size() > 9 && name.substr(name.size() - 9) == "_fuzz.cpp")
      sources.insert(name.substr(0, name.size() - 9));
  }
  CHECK(registered == sources);
  CHECK(sources.count("document") == 1);
}

TEST_CASE("fuzz targets hold their invariants on seeds, regressions and mutations", "[fuzz]") {
  const fs::path fuzz_dir = syncgate::testing::SourceDir() / "tests" / "fuzz";
  for (const Registered& target : Targets()) {
    INFO("target " << target.name);
    std::vector<std::string> corpus;
    std::vector<fs::path> files = TreeSeeds(target.name);
    for (const char* folder : {"seeds", "regressions"}) {
      for (const fs::path& p : FilesUnder(
               fuzz_dir / folder / target.name, [](const fs::path&) { return true; }, 1000))
        files.push_back(p);
    }
    CHECK(!files.empty());
    for (const fs::path& file : files) {
      std::string input = ReadAll(file);
      // Regressions run whole; tree seeds are cut for speed.
      if (file.string().find("/regressions/") == std::string::npos && input.size() > kMaxSeedBytes)
        input.resize(kMaxSeedBytes);
      CHECK(RunOne(target, input, file.string()) == "");
      corpus.push_back(std::move(input));
    }
    if (corpus.empty()) continue;
    uint64_t seed = 0x9E3779B97F4A7C15ull;  // FNV-style mix of the name: one stream per target
    for (char c : target.name) seed = (seed ^ static_cast<unsigned char>(c)) * 0x100000001B3ull;
    XorShift rng{seed};
    int failures = 0;
    for (int i = 0; i < kMutations && failures < 3; ++i) {
      const std::string input = Mutate(corpus, rng);
      const std::string failure = RunOne(target, input, "mutation " + std::to_string(i));
      if (!failure.empty()) ++failures;
      CHECK(failure == "");
    }
  }
}
