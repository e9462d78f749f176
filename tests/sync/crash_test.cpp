// A crash-consistent gate: `syncgate sync` killed (SIGKILL, through the SYNCGATE_FAULT_KILL_AT
// testing hook) at each step, two processes gating one branch at once, and the failures of the
// way out (a read-only or full target, a full state folder, a fetch that never gets an answer).
// Everything runs on local repositories made here; the one server listens on 127.0.0.1.
#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "sync/sync_engine.h"
#include "tests/support/git_repo.h"
#include "tests/test_util.h"

namespace syncgate::sync {
namespace {
namespace fs = std::filesystem;
using testing::CommandOutput;
using testing::RunShell;
using testing::TempDir;
using testing::WriteFile;

constexpr const char* kUrl = "https://git.example.com/platform/crash.git";
constexpr const char* kBranch = "refs/heads/env/default/demo";
// A Vault token: the built-in secret rules refuse a commit holding it.
constexpr const char* kLeak = "hvs.CAESIJx9vQ1mZr7Tk2p8WnLd4F5G";

std::string Run(const std::string& command) {
  const CommandOutput out = RunShell(command);
  INFO(command << ": " << out.err);
  REQUIRE(out.exit_code == 0);
  return out.out.substr(0, out.out.find_last_not_of('\n') + 1);
}

std::string AppYaml(const std::string& repo_url) {
  return fmt::format(R"(apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: demo
  namespace: argocd
spec:
  project: default
  source:
    repoURL: {}
    targetRevision: main
    path: manifests
  destination:
    server: https://kubernetes.default.svc
    namespace: demo
  syncPolicy:
    retry:
      limit: 2
      backoff: {{duration: 1s, factor: 2, maxDuration: 4s}}
)",
                     repo_url);
}

std::string Manifest(const std::string& greeting) {
  return fmt::format(
      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: greeting\n  namespace: demo\n"
      "data:\n  greeting: {}\n",
      greeting);
}

/// A source repository (branch main), the Application, a bare target, cache and state folders.
struct Gate {
  TempDir dir;
  fs::path source = dir / "source";
  fs::path apps = dir / "apps";
  fs::path target = dir / "target.git";
  fs::path cache = dir / "cache";
  fs::path state = dir / "state";
  std::string first;

  explicit Gate(const std::string& repo_url = kUrl) {
    fs::create_directories(source);
    Git("init -q");
    WriteFile(source / "manifests/namespace.yaml",
              "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: demo\n");
    first = Commit("hello");
    WriteFile(apps / "demo.yaml", AppYaml(repo_url));
    testing::InitBare(target);
  }
  std::string Git(const std::string& args) const { return testing::Git(source, args); }
  std::string Commit(const std::string& greeting) const {
    WriteFile(source / "manifests/greeting.yaml", Manifest(greeting));
    Git("add -A");
    Git(fmt::format("commit -q -m '{}'", greeting));
    return Git("rev-parse HEAD");
  }
  /// `syncgate sync`, killed at `kill_at` when given.
  CommandOutput Sync(const std::string& kill_at = "") const {
    const std::string env =
        kill_at.empty() ? "env -u SYNCGATE_FAULT_KILL_AT" : "env SYNCGATE_FAULT_KILL_AT=" + kill_at;
    return RunShell(fmt::format(
        "{} '{}' sync '{}' --target '{}' --repo-map '{}={}' --cache-dir '{}' --state-dir '{}' -j 1",
        env, SYNCGATE_BINARY, apps.string(), target.string(), kUrl, source.string(), cache.string(),
        state.string()));
  }
  SyncOptions Options() const {
    SyncOptions options;
    options.target = target.string();
    options.repo_map[kUrl] = source.string();
    options.cache_dir = cache.string();
    options.state_dir = state.string();
    options.jobs = 1;
    return options;
  }
  /// The environment branch head; empty when it does not exist.
  std::string Head() const {
    return RunShell(fmt::format("git -C '{}' rev-parse -q --verify {}", target.string(), kBranch))
        .out.substr(0, 40);
  }
  std::string SourceOf(const std::string& commit) const {
    return Run(
        fmt::format("git -C '{}' log -1 --format='%(trailers:key=Syncgate-Source-Commit,"
                    "valueonly)' {}",
                    target.string(), commit));
  }
  int BranchCommits() const {
    return std::stoi(Run(fmt::format("git -C '{}' rev-list --count {}", target.string(), kBranch)));
  }
  /// How many commits of the branch publish `source_commit`.
  int Publishes(const std::string& source_commit) const {
    return std::stoi(
        // In a subshell: RunShell appends its redirections, which would bind to `true` alone.
        Run(fmt::format("(git -C '{}' log --format=%B {} | grep -c "
                        "'^Syncgate-Source-Commit: {}$' || true)",
                        target.string(), kBranch, source_commit)));
  }
  /// Every file of the state folder is a whole gate record: no temporary file left, each parses.
  std::vector<nlohmann::json> Records() const {
    std::vector<nlohmann::json> out;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(state / "demo", ec)) {
      INFO(e.path());
      CHECK(e.path().extension() == ".json");
      std::ifstream in(e.path());
      nlohmann::json j = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
      CHECK_FALSE(j.is_discarded());
      if (!j.is_discarded() && e.path().filename() != "last.json" &&
          e.path().filename() != "last-pass.json") {
        out.push_back(j);
      }
    }
    return out;
  }
  std::string Last(const std::string& key) const {
    std::ifstream in(state / "demo" / "last.json");
    return nlohmann::json::parse(in).value(key, "");
  }
};

std::string Describe(const std::vector<SyncOutcome>& outcomes) {
  std::string out;
  for (const SyncOutcome& o : outcomes) out += FormatOutcome(o, false);
  return out;
}

bool Killed(const CommandOutput& out) {
  // SIGKILL: the shell reports 128 + 9, or std::system the signal itself (-1 here).
  return out.exit_code == 137 || out.exit_code == -1;
}

TEST_CASE("sync crash: a kill at each step leaves a gated branch and the next run finishes",
          "[sync][crash]") {
  for (const std::string point :
       {"after-fetch", "after-check", "publish-commit", "before-record"}) {
    DYNAMIC_SECTION("killed at " << point) {
      Gate g;
      const CommandOutput first = g.Sync();
      INFO(first.out << first.err);
      REQUIRE(first.exit_code == 0);
      const std::string previous = g.Head();
      REQUIRE(g.SourceOf(previous) == g.first);
      const std::string next = g.Commit("changed");

      const CommandOutput killed = g.Sync(point);
      INFO(point << ": " << killed.exit_code << "\n" << killed.out << killed.err);
      REQUIRE(Killed(killed));
      const std::string head = g.Head();
      if (point == "before-record") {
        // The branch moved to the new gated commit; its record was not written yet.
        CHECK(g.SourceOf(head) == next);
        CHECK(Run("git -C '" + g.target.string() + "' rev-parse " + head + "^") == previous);
      } else {
        CHECK(head == previous);
      }
      CHECK(g.Records().size() == 1);  // the first run's: the killed one wrote none, nor a part
      CHECK(g.Last("commit") == g.first);

      const CommandOutput again = g.Sync();
      INFO(again.out << again.err);
      CHECK(again.exit_code == 0);
      CHECK(again.out.find(point == "before-record" ? "demo: unchanged" : "demo: published") !=
            std::string::npos);
      CHECK(g.SourceOf(g.Head()) == next);
      CHECK(g.Publishes(next) == 1);
      CHECK(g.BranchCommits() == 2);
      CHECK(g.Last("commit") == next);
      CHECK(g.Records().size() == 2);
    }
  }
}

TEST_CASE("sync crash: a refused commit killed after its check never reaches the branch",
          "[sync][crash]") {
  Gate g;
  REQUIRE(g.Sync().exit_code == 0);
  const std::string previous = g.Head();
  WriteFile(g.source / "manifests/leak.yaml", Manifest("x") + "  vault-token: " + kLeak + "\n");
  const std::string bad = g.Commit("leak");
  CHECK(Killed(g.Sync("after-check")));
  CHECK(g.Head() == previous);
  const CommandOutput again = g.Sync();
  INFO(again.out << again.err);
  CHECK(again.exit_code == 1);
  CHECK(g.Head() == previous);
  CHECK(g.Last("verdict") == "refused");
  CHECK(g.Last("commit") == bad);
  CHECK((again.out + again.err).find(kLeak) == std::string::npos);
}

TEST_CASE("sync crash: a branch moved without its gate record still counts as gated",
          "[sync][crash]") {
  Gate g;
  REQUIRE(g.Sync().exit_code == 0);  // the record says: the first commit passed
  // The next publish is killed before its record: the branch is one step ahead of the records.
  const std::string gated = g.Commit("second");
  REQUIRE(Killed(g.Sync("before-record")));
  const std::string published = g.Head();
  REQUIRE(g.SourceOf(published) == gated);
  // A force push back to the first commit and on from there descends from what the record
  // names but not from what the branch holds: a rewrite, refused.
  g.Git("reset -q --hard HEAD~1");
  const std::string rewritten = g.Commit("rewritten");
  const CommandOutput again = g.Sync();
  INFO(again.out << again.err);
  CHECK(again.exit_code == 1);
  CHECK(again.out.find("the history was rewritten") != std::string::npos);
  CHECK(g.Head() == published);
  CHECK(g.Last("verdict") == "refused");
  CHECK(g.Last("commit") == rewritten);
}

TEST_CASE("sync race: two processes gating one branch at once publish each commit once",
          "[sync][crash]") {
  Gate g;
  for (int round = 1; round <= 3; ++round) {
    const std::string commit = g.Commit(fmt::format("round-{}", round));
    CommandOutput a;
    CommandOutput b;
    std::thread ta([&] { a = g.Sync(); });
    std::thread tb([&] { b = g.Sync(); });
    ta.join();
    tb.join();
    INFO("round " << round << "\nA: " << a.out << a.err << "\nB: " << b.out << b.err);
    CHECK(a.exit_code == 0);
    CHECK(b.exit_code == 0);
    const int published = (a.out.find("demo: published") != std::string::npos) +
                          (b.out.find("demo: published") != std::string::npos);
    const int stood_back = (a.out.find("demo: unchanged") != std::string::npos) +
                           (b.out.find("demo: unchanged") != std::string::npos);
    CHECK(published == 1);
    CHECK(stood_back == 1);
    CHECK(g.SourceOf(g.Head()) == commit);
    CHECK(g.Publishes(commit) == 1);
    CHECK(g.BranchCommits() == round);
    // Both decisions are recorded, neither replaced the other.
    int records = 0;
    for (const nlohmann::json& r : g.Records()) records += r.value("commit", "") == commit;
    CHECK(records == 2);
  }
}

/// Syncs in-process with `options`; once it pinned `expected` (checked), `meanwhile` runs (another
/// sync, say) before it goes on. One outcome, or the test stops.
std::vector<SyncOutcome> SyncWhilePinned(const Gate& g, SyncOptions options,
                                         const std::string& expected,
                                         const std::function<void()>& meanwhile) {
  options.after_pin = [&](const std::string&, const std::string& pinned) {
    CHECK(pinned == expected);
    meanwhile();
  };
  std::vector<SyncOutcome> outcomes = SyncApplications({g.apps.string()}, options);
  REQUIRE(outcomes.size() == 1);
  return outcomes;
}

TEST_CASE("sync race: a sync overtaken by one gating a newer commit stands back as superseded",
          "[sync][crash]") {
  Gate g;
  REQUIRE(g.Sync().exit_code == 0);
  const std::string older = g.Commit("older");
  std::string newer;
  std::vector<SyncOutcome> fast;
  const std::vector<SyncOutcome> overtaken = SyncWhilePinned(g, g.Options(), older, [&] {
    // While this sync holds `older`, a commit lands and another sync gates it first.
    newer = g.Commit("newer");
    fast = SyncApplications({g.apps.string()}, g.Options());
  });
  INFO(Describe(overtaken) << Describe(fast));
  REQUIRE(fast.size() == 1);
  CHECK(fast[0].verdict == Verdict::kPublished);
  // Not a force push: the branch moved during this run, to a descendant of what it pinned.
  CHECK(overtaken[0].verdict == Verdict::kSuperseded);
  CHECK(overtaken[0].reason ==
        fmt::format("another sync published {} of a newer commit to env/default/demo while this "
                    "one ran: nothing to do",
                    fast[0].published.substr(0, 7)));
  CHECK(ExitCodeOf(overtaken) == 0);
  CHECK(g.Head() == fast[0].published);
  CHECK(g.SourceOf(g.Head()) == newer);
  CHECK(g.Publishes(older) == 0);
  CHECK(g.Publishes(newer) == 1);
  CHECK(g.BranchCommits() == 2);
  CHECK(g.Last("verdict") == "superseded");
  CHECK(g.Last("commit") == older);
  // The next run has nothing to do either.
  const CommandOutput again = g.Sync();
  INFO(again.out << again.err);
  CHECK(again.exit_code == 0);
  CHECK(again.out.find("demo: unchanged") != std::string::npos);
  CHECK(g.BranchCommits() == 2);
}

TEST_CASE("sync race: a sync of a newer commit lands on top of an older one published meanwhile",
          "[sync][crash]") {
  Gate g;
  REQUIRE(g.Sync().exit_code == 0);
  // A mirror that lags one commit behind the source (same URL, so the same Application).
  const std::string older = g.Commit("older");
  const fs::path mirror = g.dir / "mirror";
  Run(fmt::format("git clone -q '{}' '{}'", g.source.string(), mirror.string()));
  const std::string newer = g.Commit("newer");
  SyncOptions lagging = g.Options();
  lagging.repo_map[kUrl] = mirror.string();
  lagging.cache_dir = (g.dir / "cache-mirror").string();
  std::vector<SyncOutcome> behind;
  const std::vector<SyncOutcome> outcomes = SyncWhilePinned(
      g, g.Options(), newer, [&] { behind = SyncApplications({g.apps.string()}, lagging); });
  INFO(Describe(behind) << Describe(outcomes));
  REQUIRE(behind.size() == 1);
  CHECK(behind[0].verdict == Verdict::kPublished);
  CHECK(outcomes[0].verdict == Verdict::kPublished);
  CHECK(g.SourceOf(g.Head()) == newer);
  CHECK(Run(fmt::format("git -C '{}' rev-parse {}^", g.target.string(), g.Head())) ==
        behind[0].published);
  CHECK(g.Publishes(older) == 1);
  CHECK(g.Publishes(newer) == 1);
  CHECK(g.BranchCommits() == 3);
}

// ---- Failures on the way out.

/// A mount made for one test and unmounted when it ends, also when a REQUIRE fails.
class TestMount {
 public:
  TestMount(const std::string& command, fs::path where) : where_(std::move(where)) {
    const CommandOutput out = RunShell(command);
    mounted_ = out.exit_code == 0;
    error_ = out.err;
  }
  ~TestMount() {
    if (mounted_) RunShell(fmt::format("umount '{}'", where_.string()));
  }
  TestMount(const TestMount&) = delete;
  TestMount& operator=(const TestMount&) = delete;
  bool mounted() const { return mounted_; }
  const std::string& error() const { return error_; }

 private:
  fs::path where_;
  bool mounted_ = false;
  std::string error_;
};

/// Fills the file system of `dir` up (a size-limited tmpfs): the next write fails with ENOSPC.
void Fill(const fs::path& dir) {
  RunShell(fmt::format("dd if=/dev/zero of='{}/fill' bs=64k 2>/dev/null", dir.string()));
}

struct Failed {
  std::string reason;
  std::vector<std::chrono::milliseconds> waits;  // between the retries
};

/// Syncs in-process, the waits between retries recorded instead of slept; checks that the one
/// Application failed (exit 2) and that its gate record says why.
Failed SyncFailing(const Gate& g, SyncOptions options) {
  Failed failed;
  options.sleep = [&failed](std::chrono::milliseconds d) { failed.waits.push_back(d); };
  const std::vector<SyncOutcome> outcomes = SyncApplications({g.apps.string()}, options);
  INFO(Describe(outcomes));
  REQUIRE(outcomes.size() == 1);
  CHECK(outcomes[0].verdict == Verdict::kError);
  CHECK(ExitCodeOf(outcomes) == 2);
  CHECK(g.Last("verdict") == "error");
  CHECK(g.Last("reason") == outcomes[0].reason);
  failed.reason = outcomes[0].reason;
  return failed;
}

TEST_CASE("sync fault: a read-only target is retried as the policy says, then nothing moves",
          "[sync][fault]") {
  Gate g;
  REQUIRE(g.Sync().exit_code == 0);
  const std::string previous = g.Head();
  g.Commit("changed");
  // root writes through chmod: a read-only bind mount is what stops it.
  TestMount bind(fmt::format("mount --bind '{0}' '{0}'", g.target.string()), g.target);
  if (!bind.mounted()) {
    WARN("skipped: mount --bind is not permitted here (" << bind.error() << ")");
    return;
  }
  const CommandOutput ro =
      RunShell(fmt::format("mount -o remount,bind,ro '{}'", g.target.string()));
  if (ro.exit_code != 0) {
    WARN("skipped: a read-only remount is not permitted here (" << ro.err << ")");
    return;
  }
  const Failed failed = SyncFailing(g, g.Options());
  CHECK(failed.reason.find("Read-only file system") != std::string::npos);
  CHECK(failed.waits ==
        std::vector<std::chrono::milliseconds>{std::chrono::seconds(1), std::chrono::seconds(2)});
  CHECK(g.Head() == previous);
}

TEST_CASE("sync fault: a full target publishes nothing and says so", "[sync][fault]") {
  Gate g;
  const fs::path full = g.dir / "full";
  fs::create_directories(full);
  TestMount tmpfs(fmt::format("mount -t tmpfs -o size=1m tmpfs '{}'", full.string()), full);
  if (!tmpfs.mounted()) {
    WARN("skipped: mounting a size-limited tmpfs is not permitted here (" << tmpfs.error() << ")");
    return;
  }
  const fs::path target = full / "target.git";
  testing::InitBare(target);
  Fill(full);
  SyncOptions options = g.Options();
  options.target = target.string();
  const Failed failed = SyncFailing(g, options);
  CHECK(failed.reason.find("No space left on device") != std::string::npos);
  CHECK(failed.waits.size() == 2);
  CHECK(RunShell(fmt::format("git -C '{}' rev-parse -q --verify {}", target.string(), kBranch))
            .exit_code != 0);
}

TEST_CASE("sync fault: a full state folder fails the run (exit 2) naming the record",
          "[sync][fault]") {
  Gate g;
  fs::create_directories(g.state);
  TestMount tmpfs(fmt::format("mount -t tmpfs -o size=256k tmpfs '{}'", g.state.string()), g.state);
  if (!tmpfs.mounted()) {
    WARN("skipped: mounting a size-limited tmpfs is not permitted here (" << tmpfs.error() << ")");
    return;
  }
  Fill(g.state);
  const CommandOutput out = g.Sync();
  INFO(out.out << out.err);
  CHECK(out.exit_code == 2);
  CHECK(out.err.find("but the gate record could not be written") != std::string::npos);
  CHECK(out.err.find("No space left on device") != std::string::npos);
  // What moved is a gated commit; the next run with room records it as unchanged.
  CHECK(g.SourceOf(g.Head()) == g.first);
  RunShell(fmt::format("rm -f '{}/fill'", g.state.string()));
  const CommandOutput again = g.Sync();
  INFO(again.out << again.err);
  CHECK(again.exit_code == 0);
  CHECK(again.out.find("demo: unchanged") != std::string::npos);
  CHECK(g.BranchCommits() == 1);
}

/// A server on 127.0.0.1 that accepts connections and never answers; stopped when it ends.
class SilentServer {
 public:
  SilentServer() {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(addr);
    if (listen_fd_ < 0 || ::pipe(stop_) != 0 ||
        ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
        ::listen(listen_fd_, 16) != 0 ||
        ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      return;
    }
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] {
      for (;;) {
        pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {stop_[0], POLLIN, 0}};
        if (::poll(fds, 2, -1) < 0 || (fds[1].revents & POLLIN) != 0) return;
        const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd < 0) continue;
        open_.push_back(fd);  // held open, never read or answered
        ++accepted_;
      }
    });
  }
  ~SilentServer() {
    if (thread_.joinable()) {
      (void)!::write(stop_[1], "x", 1);
      thread_.join();
    }
    for (int fd : open_) ::close(fd);
    for (int fd : {listen_fd_, stop_[0], stop_[1]}) {
      if (fd >= 0) ::close(fd);
    }
  }
  SilentServer(const SilentServer&) = delete;
  SilentServer& operator=(const SilentServer&) = delete;
  int port() const { return port_; }
  /// Connections accepted so far.
  int accepted() const { return accepted_; }

 private:
  int listen_fd_ = -1;
  int stop_[2] = {-1, -1};
  int port_ = 0;
  std::vector<int> open_;  // only the server thread touches it until it is joined
  std::atomic<int> accepted_{0};
  std::thread thread_;
};

TEST_CASE("sync fault: a fetch that gets no answer times out, retried, and publishes nothing",
          "[sync][fault]") {
  SilentServer server;
  REQUIRE(server.port() > 0);
  const std::string url = fmt::format("http://127.0.0.1:{}/platform/crash.git", server.port());
  Gate g(url);
  SyncOptions options = g.Options();
  options.repo_map.clear();  // the URL itself is fetched
  options.fetch_timeout = std::chrono::milliseconds(1000);
  const Failed failed = SyncFailing(g, options);
  CHECK(failed.reason ==
        fmt::format("git: fetching {}: no complete answer within 1 s: the fetch timed out", url));
  CHECK(failed.waits.size() == 2);  // retry.limit 2: three attempts
  CHECK(server.accepted() == 3);    // each reached the server; the deadline ended it
  CHECK(g.Head().empty());
}

TEST_CASE("sync fault: the binary ends a fetch that gets no answer at --fetch-timeout (exit 2)",
          "[sync][fault]") {
  SilentServer server;
  REQUIRE(server.port() > 0);
  const std::string url = fmt::format("http://127.0.0.1:{}/platform/crash.git", server.port());
  Gate g(url);
  // The real process: the watchdog's signal must reach the fetching thread among the others.
  // retry.limit 2 waits 1 s and 2 s for real between the three attempts.
  const CommandOutput out = RunShell(fmt::format(
      "env -u SYNCGATE_FAULT_KILL_AT '{}' sync '{}' --target '{}' --cache-dir '{}' --state-dir "
      "'{}' --fetch-timeout 1 -j 2",
      SYNCGATE_BINARY, g.apps.string(), g.target.string(), g.cache.string(), g.state.string()));
  INFO(out.out << out.err);
  CHECK(out.exit_code == 2);
  const std::string reason =
      fmt::format("git: fetching {}: no complete answer within 1 s: the fetch timed out", url);
  CHECK((out.out + out.err).find("reason: " + reason) != std::string::npos);
  CHECK(server.accepted() == 3);
  CHECK(g.Head().empty());
  CHECK(g.Last("verdict") == "error");
  CHECK(g.Last("reason") == reason);
}

TEST_CASE("sync: --fetch-timeout refuses what is not a number of seconds from 1 ms to a day",
          "[sync][fault]") {
  for (const std::string value : {"abc", "0", "-5", "1e300", "90s", ""}) {
    const CommandOutput out =
        testing::RunSyncgate(fmt::format("sync /nonexistent --fetch-timeout '{}'", value));
    INFO(value << ": " << out.out << out.err);
    CHECK(out.exit_code == 2);
    CHECK(out.err.find(fmt::format(
              "--fetch-timeout: expects seconds from 0.001 to 86400, e.g. 90 (got '{}')", value)) !=
          std::string::npos);
  }
}

}  // namespace
}  // namespace syncgate::sync
