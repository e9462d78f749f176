// The result cache: the store (atomic entries, corrupt entries are misses, least-recently-used
// pruning) and the findings a check keeps between runs, which must equal an uncached run's
// exactly, and be invalidated by whatever else decides them.
#include <fmt/format.h>
#include <sys/stat.h>
#include <sys/time.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "checker/finding_codec.h"
#include "checker/result_store.h"
#include "run/check_run.h"
#include "tests/test_util.h"

namespace syncgate {
namespace {
namespace fs = std::filesystem;
using testing::TempDir;
using testing::WriteFile;

std::vector<fs::path> EntriesOf(const fs::path& folder, std::string_view suffix) {
  std::vector<fs::path> out;
  if (!fs::exists(folder)) return out;
  for (const auto& entry : fs::recursive_directory_iterator(folder)) {
    if (entry.is_regular_file() && entry.path().string().ends_with(suffix))
      out.push_back(entry.path());
  }
  return out;
}

void SetTime(const fs::path& path, long seconds) {
  const timeval times[2] = {{seconds, 0}, {seconds, 0}};
  REQUIRE(utimes(path.c_str(), times) == 0);
}

TEST_CASE("result store: an entry reads back exactly; other keys miss", "[cache]") {
  TempDir dir;
  ResultStore store((dir / "results").string(), ".test", 1 << 20);
  const std::string key = std::string(64, 'a');
  using namespace std::string_literals;
  const std::string payload = "any bytes\0\n\xff here"s;  // a NUL, a newline, a non-UTF-8 byte
  CHECK_FALSE(store.Get(key));
  store.Put(key, payload);
  REQUIRE(store.Get(key));
  CHECK(*store.Get(key) == payload);
  CHECK_FALSE(store.Get(std::string(64, 'b')));
  // No folder: no cache, and nothing is written anywhere.
  ResultStore none("", ".test", 1 << 20);
  none.Put(key, payload);
  CHECK_FALSE(none.Get(key));
}

TEST_CASE("result store: a corrupt, truncated or foreign entry is a miss and is removed",
          "[cache]") {
  TempDir dir;
  ResultStore store((dir / "results").string(), ".test", 1 << 20);
  const std::string key = std::string(64, 'c');
  const std::string payload = "findings-1;0;0;";
  auto damage = [&](auto&& edit) {
    store.Put(key, payload);
    const std::vector<fs::path> entries = EntriesOf(dir.path(), ".test");
    REQUIRE(entries.size() == 1);
    std::string text;
    {
      std::ifstream in(entries[0], std::ios::binary);
      text.assign(std::istreambuf_iterator<char>(in), {});
    }
    edit(text);
    {
      std::ofstream out(entries[0], std::ios::binary | std::ios::trunc);
      out << text;
    }
    CHECK_FALSE(store.Get(key));
    CHECK(EntriesOf(dir.path(), ".test").empty());
  };
  damage([](std::string& text) { text.back() ^= 1; });                     // one bit of the payload
  damage([](std::string& text) { text.resize(text.size() - 3); });         // a torn write
  damage([](std::string& text) { text = "not an entry of this store"; });  // anything else
  damage([](std::string& text) { text.clear(); });
}

TEST_CASE("result store: pruning removes the least recently used entries first", "[cache]") {
  TempDir dir;
  // Entries of about 1 KiB in a 4 KiB store: pruning keeps at most 80% of it.
  ResultStore store((dir / "results").string(), ".test", 4096);
  const std::string payload(1000, 'x');
  std::vector<std::string> keys;
  for (char c : std::string("abcdef")) keys.push_back(std::string(64, c));
  for (const std::string& key : keys) store.Put(key, payload);
  // Last use, oldest first: b, d, a, f, c, e (a read marks an entry as used now).
  const std::string order = "bdafce";
  for (size_t i = 0; i < order.size(); ++i) {
    for (const fs::path& path : EntriesOf(dir.path(), ".test")) {
      if (path.filename().string()[0] == order[i]) SetTime(path, 1000000 + static_cast<long>(i));
    }
  }
  // Temporary files of a killed run: old ones go, a fresh one (a run in progress) stays.
  WriteFile(dir / "results/aa/old.tmp", "partial");
  SetTime(dir / "results/aa/old.tmp", 1000);
  WriteFile(dir / "results/aa/new.tmp", "partial");
  // Another kind of entry in the same folder is not this store's to prune.
  WriteFile(dir / "results/zz/other.findings", std::string(5000, 'y'));

  CHECK(store.Prune() == 4);  // b, d, a and the old temporary file
  for (char gone : std::string("bda")) CHECK_FALSE(store.Get(std::string(64, gone)));
  for (char kept : std::string("fce")) CHECK(store.Get(std::string(64, kept)));
  CHECK_FALSE(fs::exists(dir / "results/aa/old.tmp"));
  CHECK(fs::exists(dir / "results/aa/new.tmp"));
  CHECK(fs::exists(dir / "results/zz/other.findings"));
  CHECK(store.Prune() == 0);  // within the bound now
}

TEST_CASE("result store: threads writing and reading the same keys see whole entries only",
          "[cache]") {
  TempDir dir;
  const std::string folder = (dir / "results").string();
  std::atomic<int> wrong{0};
  std::atomic<int> hits{0};
  std::vector<std::thread> threads;
  threads.reserve(4);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      ResultStore store(folder, ".test", 1 << 24);  // one store per thread, as in two runs
      for (int i = 0; i < 200; ++i) {
        const int k = (i + t) % 10;
        const std::string key = std::string(63, 'k') + static_cast<char>('0' + k);
        const std::string payload(1000 + 997 * k, static_cast<char>('a' + k));
        store.Put(key, payload);
        if (std::optional<std::string> got = store.Get(key)) {
          ++hits;
          if (*got != payload) ++wrong;
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  CHECK(wrong == 0);
  CHECK(hits > 0);
  for (const auto& entry : fs::recursive_directory_iterator(folder)) {
    CHECK_FALSE(entry.path().string().ends_with(".tmp"));  // every write was renamed into place
  }
}

TEST_CASE("finding codec: every field reads back; damaged bytes never decode", "[cache]") {
  Finding f;
  f.rule = "secret-vault-token";
  f.severity = Severity::kWarning;
  f.message = "a message with ; and : and 12:34 in it\nand a second line";
  f.file = "charts/a b/values.yaml";
  f.line = 12;
  f.column = 7;
  f.pointer = "/spec/x~1y";
  f.document = 3;
  f.object = {"v1", "Secret", "name", "ns"};
  f.fingerprint = "0123abcd";
  f.redact_length = 26;
  f.rendered = RenderedOrigin{"chart/values-prod.yaml", "chart/templates/s.yaml", 40};
  Finding plain;
  plain.rule = "yaml-syntax";
  FileResult result{{f, plain}, {{"schema-validated", 4}, {"other", -1}}};
  const std::string bytes = EncodeFileResult(result);
  std::optional<FileResult> back = DecodeFileResult(bytes);
  REQUIRE(back);
  REQUIRE(back->findings.size() == 2);
  const Finding& g = back->findings[0];
  CHECK(std::tie(g.rule, g.severity, g.message, g.file, g.line, g.column, g.pointer, g.document,
                 g.fingerprint, g.redact_length) ==
        std::tie(f.rule, f.severity, f.message, f.file, f.line, f.column, f.pointer, f.document,
                 f.fingerprint, f.redact_length));
  CHECK(std::tie(g.object.api_version, g.object.kind, g.object.name, g.object.ns) ==
        std::tie(f.object.api_version, f.object.kind, f.object.name, f.object.ns));
  REQUIRE(g.rendered);
  CHECK(std::tie(g.rendered->render, g.rendered->template_path, g.rendered->line) ==
        std::tie(f.rendered->render, f.rendered->template_path, f.rendered->line));
  CHECK_FALSE(back->findings[1].rendered);
  CHECK(back->counters == result.counters);
  for (size_t cut = 0; cut < bytes.size(); ++cut) {
    CHECK_FALSE(DecodeFileResult(std::string_view(bytes).substr(0, cut)));
  }
  CHECK_FALSE(DecodeFileResult(bytes + "x"));
}

// --- The cache in a check run -----------------------------------------------------------------

RunResult CachedCheck(const fs::path& tree, const fs::path& cache, bool use_cache = true,
                      const std::string& kube_version = "") {
  RunRequest request;
  request.settings.kube_version = kube_version;
  request.jobs = 2;
  request.config_search_start = tree.string();
  request.settings.cache_dir = cache.string();
  request.settings.result_cache = use_cache;
  request.settings.render_cache = false;
  request.settings.offline = true;
  Expected<std::unique_ptr<CheckRun>> run = CheckRun::Create(std::move(request));
  REQUIRE(run);
  return (*run)->Run((*run)->Discover({tree.string()}));
}

/// Every field of every finding, for exact comparison.
std::vector<std::string> Exact(const RunResult& result) {
  std::vector<std::string> out;
  for (const Finding& f : result.findings) {
    out.push_back(fmt::format("{}|{}|{}|{}:{}:{}|{}|{}|{}/{}/{}/{}|{}|{}", f.rule,
                              SeverityName(f.severity), f.message, f.file, f.line, f.column,
                              f.pointer, f.document, f.object.api_version, f.object.kind,
                              f.object.ns, f.object.name, f.fingerprint, f.redact_length));
  }
  return out;
}

constexpr std::string_view kWorkloads = R"(apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: registry.example/web:latest
          env:
            - name: TOKEN
              value: hvs.CAESIJlWj1Dg5ZqbkXcKqJ2T4pN8sYvR3mA7uE0wBxL6fHdGHh4KHGh2cy5aS1BuTW5HSlZZd1B
---
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
spec:
  selector: {app: nothing-matches}
  ports: [{port: 80}]
)";

TEST_CASE("result cache: a warm run's findings equal the cold run's exactly", "[cache]") {
  TempDir dir;
  WriteFile(dir / "tree/.syncgate.yaml", "{}\n");
  WriteFile(dir / "tree/apps/web.yaml", std::string(kWorkloads));
  WriteFile(dir / "tree/apps/other.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n");
  const RunResult uncached = CachedCheck(dir / "tree", dir / "cache", false);
  CHECK(EntriesOf(dir / "cache", ".findings").empty());
  const RunResult cold = CachedCheck(dir / "tree", dir / "cache");
  const RunResult warm = CachedCheck(dir / "tree", dir / "cache");
  REQUIRE_FALSE(uncached.findings.empty());
  CHECK(cold.summary.cached_files == 0);
  CHECK(warm.summary.cached_files == warm.summary.files);
  CHECK(warm.summary.files == 3);
  CHECK(Exact(cold) == Exact(uncached));
  CHECK(Exact(warm) == Exact(uncached));
  CHECK(warm.summary.counters == uncached.summary.counters);
  CHECK(warm.summary.by_severity == uncached.summary.by_severity);
  // Both kinds of rule are there: a document rule (from the cache) and a workspace rule (run
  // again each time: the Service selects nothing in the whole tree).
  auto has = [&](const RunResult& r, std::string_view rule) {
    return std::any_of(r.findings.begin(), r.findings.end(),
                       [&](const Finding& f) { return f.rule == rule; });
  };
  CHECK(has(warm, "secret-vault-token"));
  CHECK(has(warm, "service-selector-orphan"));
  // The cache holds the secret only in its redacted and digested forms.
  for (const fs::path& entry : EntriesOf(dir / "cache", ".findings")) {
    std::ifstream in(entry, std::ios::binary);
    const std::string text((std::istreambuf_iterator<char>(in)), {});
    CHECK(text.find("CAESIJlWj1Dg5Zqbk") == std::string::npos);
  }
}

TEST_CASE("result cache: a changed file, rule option or setting is checked anew", "[cache]") {
  TempDir dir;
  WriteFile(dir / "tree/.syncgate.yaml", "{}\n");
  WriteFile(dir / "tree/apps/web.yaml", std::string(kWorkloads));
  auto mutable_tag = [](const RunResult& r) {
    return std::count_if(r.findings.begin(), r.findings.end(),
                         [](const Finding& f) { return f.rule == "workload-image-mutable-tag"; });
  };
  const RunResult first = CachedCheck(dir / "tree", dir / "cache");
  CHECK(mutable_tag(first) == 1);  // `latest`, one of the default mutable tags

  SECTION("a rule option") {
    WriteFile(
        dir / "tree/.syncgate.yaml",
        "rules:\n  workload-image-mutable-tag:\n    options:\n      mutable_tags: [develop]\n");
    const RunResult changed = CachedCheck(dir / "tree", dir / "cache");
    CHECK(changed.summary.cached_files == 0);
    CHECK(mutable_tag(changed) == 0);
    CHECK(Exact(changed) == Exact(CachedCheck(dir / "tree", dir / "cache", false)));
  }
  SECTION("the file") {
    std::string text(kWorkloads);
    text.replace(text.find(":latest"), 7, ":1.4.2");
    WriteFile(dir / "tree/apps/web.yaml", text);
    const RunResult changed = CachedCheck(dir / "tree", dir / "cache");
    CHECK(changed.summary.cached_files == 1);  // .syncgate.yaml did not change
    CHECK(mutable_tag(changed) == 0);
  }
  SECTION("a setting: the Kubernetes version") {
    WriteFile(dir / "tree/apps/pdb.yaml",
              "apiVersion: policy/v1beta1\nkind: PodDisruptionBudget\nmetadata: {name: web, "
              "namespace: shop}\nspec: {minAvailable: 1, selector: {matchLabels: {app: web}}}\n");
    auto api_rules = [](const RunResult& r) {
      std::vector<std::string> ids;
      for (const Finding& f : r.findings) {
        if (f.rule.starts_with("api-")) ids.push_back(f.rule);
      }
      return ids;
    };
    const RunResult old_cluster = CachedCheck(dir / "tree", dir / "cache", true, "1.22");
    const RunResult new_cluster = CachedCheck(dir / "tree", dir / "cache", true, "1.31");
    CHECK(old_cluster.summary.cached_files == 0);  // the first run was for 1.31
    CHECK(new_cluster.summary.cached_files == 2);  // that run's files, not the new one
    CHECK(api_rules(old_cluster) == std::vector<std::string>{"api-deprecated"});
    CHECK(api_rules(new_cluster) == std::vector<std::string>{"api-removed"});
    CHECK(api_rules(CachedCheck(dir / "tree", dir / "cache", true, "1.22")) ==
          api_rules(old_cluster));
  }
  SECTION("a severity") {
    WriteFile(dir / "tree/.syncgate.yaml",
              "rules:\n  workload-image-mutable-tag:\n    severity: info\n");
    const RunResult changed = CachedCheck(dir / "tree", dir / "cache");
    CHECK(changed.summary.cached_files == 0);
    REQUIRE(mutable_tag(changed) == 1);
    for (const Finding& f : changed.findings) {
      if (f.rule == "workload-image-mutable-tag") CHECK(f.severity == Severity::kInfo);
    }
  }
}

TEST_CASE("result cache: corrupt entries are misses and the run's findings stay exact", "[cache]") {
  TempDir dir;
  WriteFile(dir / "tree/.syncgate.yaml", "{}\n");
  WriteFile(dir / "tree/apps/web.yaml", std::string(kWorkloads));
  const RunResult cold = CachedCheck(dir / "tree", dir / "cache");
  const std::vector<fs::path> entries = EntriesOf(dir / "cache", ".findings");
  REQUIRE(entries.size() == 2);
  for (const fs::path& entry : entries) {
    // A well-formed entry whose payload no longer matches its digest: a finding dropped.
    std::ifstream in(entry, std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), {});
    in.close();
    text.resize(text.size() / 2);
    std::ofstream(entry, std::ios::binary | std::ios::trunc) << text;
  }
  const RunResult after = CachedCheck(dir / "tree", dir / "cache");
  CHECK(after.summary.cached_files == 0);
  CHECK(Exact(after) == Exact(cold));
  const RunResult healed = CachedCheck(dir / "tree", dir / "cache");
  CHECK(healed.summary.cached_files == 2);
  CHECK(Exact(healed) == Exact(cold));
}

TEST_CASE("result cache: a rule that reads another file is not served stale (Chart.lock)",
          "[cache]") {
  // helm-dependency-lock compares Chart.yaml with the Chart.lock beside it: a workspace rule, so
  // a changed lock is seen although Chart.yaml is unchanged.
  TempDir dir;
  WriteFile(dir / "tree/.syncgate.yaml", "{}\n");
  WriteFile(dir / "tree/chart/Chart.yaml",
            "apiVersion: v2\nname: app\nversion: 1.0.0\ndependencies:\n  - name: redis\n"
            "    version: 17.0.0\n    repository: https://charts.example.com\n");
  WriteFile(dir / "tree/chart/Chart.lock",
            "dependencies:\n- name: redis\n  repository: https://charts.example.com\n"
            "  version: 17.0.0\ndigest: sha256:0000\ngenerated: \"2024-01-01T00:00:00Z\"\n");
  auto lock_findings = [](const RunResult& r) {
    return std::count_if(r.findings.begin(), r.findings.end(),
                         [](const Finding& f) { return f.rule == "helm-dependency-lock"; });
  };
  CHECK(lock_findings(CachedCheck(dir / "tree", dir / "cache")) == 1);
  // The lock written by helm for these dependencies.
  const RunResult uncached_fixed = [&] {
    const std::string digest = [&] {
      const RunResult r = CachedCheck(dir / "tree", dir / "cache", false);
      for (const Finding& f : r.findings) {
        if (f.rule != "helm-dependency-lock") continue;
        const size_t at = f.message.rfind("sha256:");
        return f.message.substr(at, 7 + 64);
      }
      return std::string();
    }();
    REQUIRE(digest.size() == 71);
    WriteFile(dir / "tree/chart/Chart.lock",
              "dependencies:\n- name: redis\n  repository: https://charts.example.com\n"
              "  version: 17.0.0\ndigest: " +
                  digest + "\ngenerated: \"2024-01-01T00:00:00Z\"\n");
    return CachedCheck(dir / "tree", dir / "cache", false);
  }();
  CHECK(lock_findings(uncached_fixed) == 0);
  const RunResult warm = CachedCheck(dir / "tree", dir / "cache");
  CHECK(lock_findings(warm) == 0);
  CHECK(Exact(warm) == Exact(uncached_fixed));
}

TEST_CASE("result cache: two check processes on one cache at once agree with an uncached run",
          "[cache]") {
  TempDir dir;
  const fs::path examples = testing::SourceDir() / "examples";
  const std::string common = fmt::format(
      "check --fail-on never --offline --helm /nonexistent/helm --no-require-render --cache-dir "
      "'{}' '{}'",
      (dir / "cache").string(), examples.string());
  // The same cache folder (schema-missing names it), with neither renders nor findings kept.
  const testing::CommandOutput uncached =
      testing::RunSyncgate(common + " --no-cache --format json=-");
  REQUIRE(uncached.exit_code == 0);
  // Two runs started together, twice: the second pair reads what the first wrote.
  for (int round = 0; round < 2; ++round) {
    const testing::CommandOutput both = testing::RunShell(
        fmt::format("b='{}'; $b {} --format json='{}/a.json' >/dev/null 2>&1 & "
                    "$b {} --format json='{}/b.json' >/dev/null 2>&1; wait $!; echo done",
                    SYNCGATE_BINARY, common, dir.path().string(), common, dir.path().string()));
    REQUIRE(both.out.find("done") != std::string::npos);
    for (const char* name : {"a.json", "b.json"}) {
      std::ifstream in(dir / name);
      const nlohmann::json report = nlohmann::json::parse(in);
      const nlohmann::json expected = nlohmann::json::parse(uncached.out);
      CHECK(report["findings"] == expected["findings"]);
      CHECK(report["summary"]["findings"] == expected["summary"]["findings"]);
    }
  }
  CHECK_FALSE(EntriesOf(dir / "cache/results", ".findings").empty());
  // Cached findings are filtered by the baseline like fresh ones: a baseline of the uncached run
  // leaves nothing new in a warm one.
  const testing::CommandOutput baseline = testing::RunSyncgate(
      fmt::format("{} --write-baseline '{}/baseline.json'", common, dir.path().string()));
  REQUIRE(baseline.exit_code == 0);
  const testing::CommandOutput filtered = testing::RunSyncgate(
      fmt::format("{} --baseline '{}/baseline.json' --format json=-", common, dir.path().string()));
  REQUIRE(filtered.exit_code == 0);
  CHECK(nlohmann::json::parse(filtered.out)["findings"].empty());
  for (const auto& entry : fs::recursive_directory_iterator(dir / "cache")) {
    CHECK_FALSE(entry.path().string().ends_with(".tmp"));
  }
}

}  // namespace
}  // namespace syncgate
