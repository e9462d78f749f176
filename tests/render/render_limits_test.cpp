// Render limits: a helm or kustomize run that takes too long, writes too much or crashes fails its
// chart (helm-render-failed, kustomize-build-failed) naming the limit and where it was set; the
// program and everything it started are stopped and reaped; nothing of it is cached. Fake
// renderers are shell scripts the tests write; every timeout is 1 s against sleeps of 60 s, so
// nothing depends on the machine's speed.
#include <fmt/format.h>
#include <signal.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "checker/text_util.h"
#include "render/subprocess.h"
#include "tests/test_util.h"

namespace syncgate {
namespace {
namespace fs = std::filesystem;

/// Whether process `pid` still runs: gone, or a zombie waiting for init, is not running.
bool Running(const std::string& pid_text) {
  const std::string pid(Trim(pid_text));
  REQUIRE_FALSE(pid.empty());
  std::ifstream stat("/proc/" + pid + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return false;
  const size_t close = line.rfind(')');
  return close != std::string::npos && close + 2 < line.size() && line[close + 2] != 'Z';
}

/// Whether the process is still running 5 s after it was killed: SIGKILL takes effect when the
/// process is next scheduled, which on a loaded machine (the suite's two halves run side by
/// side) can be after RunProcess returned.
bool RunningAfterKill(const std::string& pid_text) {
  for (int i = 0; i < 100 && Running(pid_text); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return Running(pid_text);
}

/// An executable script at `path`.
void WriteScript(const fs::path& path, const std::string& text) {
  testing::WriteFile(path, text);
  fs::permissions(path, fs::perms::owner_all);
}

/// A fake helm: `version` answers at once; anything else runs `body` (a shell script).
std::string FakeHelm(const testing::TempDir& dir, const std::string& body) {
  const fs::path path = dir / "bin/fake-helm";
  WriteScript(path,
              "#!/bin/sh\ncase \"$1\" in version) echo v3.17.2-fake; exit 0 ;; esac\n" + body);
  return path.string();
}

/// A chart with one ConfigMap of `count` keys (about 25 bytes each) under `dir`/chart.
void WriteBigChart(const testing::TempDir& dir, int count) {
  testing::WriteFile(dir / "chart/Chart.yaml", "apiVersion: v2\nname: big\nversion: 0.1.0\n");
  testing::WriteFile(dir / "chart/values.yaml", fmt::format("count: {}\n", count));
  testing::WriteFile(dir / "chart/templates/cm.yaml",
                     "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n"
                     "{{- range $i := until (int .Values.count) }}\n"
                     "  key{{ $i }}: \"value {{ $i }}\"\n{{- end }}\n");
}

RunResult CheckChart(const testing::TempDir& dir, RunSettings settings) {
  RunRequest request;
  request.jobs = 1;
  settings.require_render = false;  // pinned: CI=true would turn it on
  request.settings = std::move(settings);
  request.config_search_start = (dir / "chart").string();
  return testing::CheckWith(std::move(request), {(dir / "chart").string()});
}

std::vector<std::string> Messages(const RunResult& result, std::string_view rule) {
  std::vector<std::string> out;
  for (const Finding& f : result.findings) {
    if (f.rule == rule) out.push_back(f.message);
  }
  return out;
}

}  // namespace

TEST_CASE("RunProcess stops a program and what it started at the timeout", "[render][limits]") {
  testing::TempDir dir;
  const std::string pidfile = (dir / "pid").string();
  // The background sleep holds stdout open: only killing the whole group ends the run.
  const render::ProcessResult r =
      render::RunProcess({"/bin/sh", "-c", "sleep 60 & echo $! > '" + pidfile + "'; wait"}, "", 1);
  CHECK(r.started);
  CHECK(r.timed_out);
  CHECK_FALSE(r.output_exceeded);
  CHECK(r.signal == SIGKILL);
  const std::optional<std::string> pid = ReadFileBytes(pidfile);
  REQUIRE(pid);
  CHECK_FALSE(RunningAfterKill(*pid));
}

TEST_CASE("RunProcess stops a program that closed its output and went on", "[render][limits]") {
  // Before the deadline held after the streams closed, this waited for the sleep (a hang).
  const render::ProcessResult r =
      render::RunProcess({"/bin/sh", "-c", "exec >/dev/null 2>&1; sleep 60"}, "", 1);
  CHECK(r.timed_out);
  CHECK(r.signal == SIGKILL);
}

TEST_CASE("RunProcess stops a program that writes more than its bound", "[render][limits]") {
  const render::ProcessResult r = render::RunProcess({"yes"}, "", 60, 64 << 10);
  CHECK(r.output_exceeded);
  CHECK_FALSE(r.timed_out);
  CHECK(r.out.size() > (64u << 10));
  CHECK(r.out.size() <= (128u << 10));  // one read past the bound at most
  const RenderLimits limits{60, 64 << 10, "", "render.max_output in x/.syncgate.yaml"};
  CHECK(render::StoppedReason(r, "yes", limits) ==
        "yes was stopped: it wrote more than the render output limit of 64 KiB "
        "(render.max_output in x/.syncgate.yaml)");
}

TEST_CASE("a program started by RunProcess gets SIGPIPE back", "[render][limits]") {
  // syncgate ignores SIGPIPE; inherited, `yes` would complain of a broken pipe on stderr.
  const render::ProcessResult r = render::RunProcess({"/bin/sh", "-c", "yes | head -n 1"}, "", 60);
  CHECK(r.exit_code == 0);
  CHECK(r.out == "y\n");
  CHECK(r.err.empty());
}

TEST_CASE("a render that writes more than render.max_output fails the chart", "[helm][limits]") {
  REQUIRE_HELM(helm);
  testing::TempDir dir;
  WriteBigChart(dir, 20000);  // about 500 KB
  testing::WriteFile(dir / "chart/.syncgate.yaml", "render:\n  max_output: 64KiB\n");
  RunSettings settings;
  settings.helm_binary = helm;
  settings.cache_dir = (dir / "cache").string();  // the render cache is on
  const RunResult limited = CheckChart(dir, settings);
  const std::vector<std::string> failed = Messages(limited, "helm-render-failed");
  REQUIRE(failed.size() == 1);
  CHECK(failed[0].find("was stopped: it wrote more than the render output limit of 64 KiB "
                       "(render.max_output in ") != std::string::npos);
  CHECK(failed[0].find("chart/.syncgate.yaml)") != std::string::npos);
  CHECK(limited.summary.rendered == 0);

  SECTION("the stopped render was not cached: with a larger limit it renders") {
    settings.render_limits.max_output_bytes = 4 << 20;
    settings.render_limits.max_output_origin = "--render-max-output";
    const RunResult larger = CheckChart(dir, settings);
    CHECK(Messages(larger, "helm-render-failed").empty());
    CHECK(larger.summary.rendered == 1);
  }
}

TEST_CASE("a recursive include stops at helm's own limit, with a bounded message",
          "[helm][limits]") {
  REQUIRE_HELM(helm);
  testing::TempDir dir;
  testing::WriteFile(dir / "chart/Chart.yaml", "apiVersion: v2\nname: rec\nversion: 0.1.0\n");
  testing::WriteFile(dir / "chart/templates/_helpers.tpl",
                     "{{- define \"rec\" -}}{{ include \"rec\" . }}{{- end -}}\n");
  testing::WriteFile(dir / "chart/templates/cm.yaml",
                     "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n"
                     "  a: {{ include \"rec\" . | quote }}\n");
  RunSettings settings;
  settings.helm_binary = helm;
  settings.render_cache = false;
  const RunResult result = CheckChart(dir, settings);
  const std::vector<std::string> failed = Messages(result, "helm-render-failed");
  REQUIRE(failed.size() == 1);
  // helm nests 1,000 includes into one line of about 100 KB: its head and its end are kept.
  CHECK(failed[0].size() < 2000);
  CHECK(failed[0].find("executing \"rec/templates/cm.yaml\"") != std::string::npos);
  CHECK(failed[0].find("rendering template has a nested reference name: rec: unable to execute "
                       "template") != std::string::npos);
}

TEST_CASE("a helm that hangs is stopped at --render-timeout and its render fails",
          "[helm][limits]") {
  testing::TempDir dir;
  WriteBigChart(dir, 1);
  const std::string pidfile = (dir / "pid").string();
  const std::string helm = FakeHelm(dir, "sleep 60 &\necho $! > '" + pidfile + "'\nwait\n");
  const testing::CommandOutput out = testing::RunShell(
      fmt::format("env -u CI '{}' check '{}' --helm '{}' --no-cache --render-timeout 1s "
                  "--format json",
                  SYNCGATE_BINARY, (dir / "chart").string(), helm));
  INFO(out.err);
  CHECK(out.exit_code == 1);
  const nlohmann::json report = nlohmann::json::parse(out.out);
  std::vector<std::string> failed;
  for (const auto& f : report["findings"]) {
    if (f["rule"] == "helm-render-failed") failed.push_back(f["message"]);
  }
  REQUIRE(failed.size() == 1);
  CHECK(EndsWith(failed[0],
                 ": helm v3.17.2-fake was stopped after the render time limit of 1 s "
                 "(--render-timeout)"));
  const std::optional<std::string> pid = ReadFileBytes(pidfile);
  REQUIRE(pid);
  CHECK_FALSE(RunningAfterKill(*pid));
}

TEST_CASE("cmp generate prints no manifest when helm hangs", "[helm][limits]") {
  testing::TempDir dir;
  WriteBigChart(dir, 1);
  testing::WriteFile(dir / "chart/.syncgate.yaml", "render:\n  timeout: 1s\n");
  const std::string helm = FakeHelm(dir, "sleep 60\n");
  const testing::CommandOutput out = testing::RunShell(
      fmt::format("env -u CI SYNCGATE_HELM='{}' SYNCGATE_CACHE_DIR='{}' ARGOCD_APP_NAME=big "
                  "ARGOCD_APP_NAMESPACE=big ARGOCD_APP_PROJECT_NAME=default "
                  "ARGOCD_APP_SOURCE_PATH=chart '{}' cmp generate",
                  helm, (dir / "cache").string(), SYNCGATE_BINARY),
      "", (dir / "chart").string());
  INFO(out.err);
  // A render that did not finish is a check that could not run (exit 2), not a finding (1).
  CHECK(out.exit_code == 2);
  CHECK(out.out.empty());
  CHECK(out.err.find("was stopped after the render time limit of 1 s (render.timeout in ") !=
        std::string::npos);
}

TEST_CASE("a helm that crashes fails the render, saying so", "[helm][limits]") {
  testing::TempDir dir;
  WriteBigChart(dir, 1);
  RunSettings settings;
  settings.helm_binary = FakeHelm(dir, "kill -SEGV $$\n");
  settings.render_cache = false;
  const RunResult result = CheckChart(dir, settings);
  const std::vector<std::string> failed = Messages(result, "helm-render-failed");
  REQUIRE(failed.size() == 1);
  CHECK(failed[0].find("helm v3.17.2-fake crashed with signal 11 (SIGSEGV, Segmentation fault)") !=
        std::string::npos);
  CHECK(result.skipped.empty());
}

TEST_CASE("a helm pull that hangs is stopped at the render time limit", "[helm][limits]") {
  testing::TempDir dir;
  WriteBigChart(dir, 1);
  testing::WriteFile(dir / "chart/Chart.yaml",
                     "apiVersion: v2\nname: big\nversion: 0.1.0\ndependencies:\n"
                     "  - name: dep\n    version: 1.0.0\n"
                     "    repository: https://charts.example.invalid\n");
  testing::WriteFile(dir / "chart/.syncgate.yaml", "render: {timeout: 1}\n");
  RunSettings settings;
  settings.helm_binary = FakeHelm(dir, "sleep 60\n");
  settings.cache_dir = (dir / "cache").string();
  const RunResult result = CheckChart(dir, settings);
  std::string listing;
  for (const Finding& f : result.findings) listing += f.rule + ": " + f.message + "\n";
  INFO(listing);
  CHECK(listing.find("helm pull was stopped after the render time limit of 1 s (render.timeout "
                     "in ") != std::string::npos);
}

TEST_CASE("a kustomize that hangs is stopped and its build fails", "[kustomize][limits]") {
  testing::TempDir dir;
  testing::WriteFile(dir / "app/kustomization.yaml", "resources: [cm.yaml]\n");
  testing::WriteFile(dir / "app/cm.yaml",
                     "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata: {a: b}\n");
  // Named like kustomize: `kustomize version`, then `kustomize build DIR`.
  const fs::path kustomize = dir / "bin/kustomize";
  WriteScript(kustomize,
              "#!/bin/sh\ncase \"$1\" in version) echo v5.5.0; exit 0 ;; esac\nsleep 60\n");
  RunRequest request;
  request.jobs = 1;
  request.settings.kustomize_binary = kustomize.string();
  request.settings.render_cache = false;
  request.settings.require_render = false;
  request.settings.render_limits = {1, 0, "--render-timeout", ""};
  const RunResult result = testing::CheckWith(std::move(request), {(dir / "app").string()});
  const std::vector<std::string> failed = Messages(result, "kustomize-build-failed");
  REQUIRE(failed.size() == 1);
  CHECK(failed[0].find("kustomize v5.5.0 was stopped after the render time limit of 1 s "
                       "(--render-timeout)") != std::string::npos);
}

TEST_CASE("render limits: the command line, the configuration, the defaults", "[limits]") {
  auto resolve = [](const std::string& text, RunSettings settings = {}) {
    Expected<Config> config = Config::Parse(SourceFile::FromText("cfg/.syncgate.yaml", text));
    REQUIRE(config);
    return ResolveRunSettings(*config, std::move(settings));
  };
  SECTION("defaults, with where to change them") {
    Expected<RunSettings> s = resolve("");
    REQUIRE(s);
    CHECK(s->render_limits.timeout_seconds == 120);
    CHECK(s->render_limits.max_output_bytes == (std::uintmax_t{64} << 20));
    CHECK(s->render_limits.timeout_origin ==
          "the default; render.timeout in .syncgate.yaml or --render-timeout");
  }
  SECTION("the configuration") {
    Expected<RunSettings> s = resolve("render:\n  timeout: 3m\n  max_output: 8MiB\n");
    REQUIRE(s);
    CHECK(s->render_limits.timeout_seconds == 180);
    CHECK(s->render_limits.max_output_bytes == (std::uintmax_t{8} << 20));
    CHECK(s->render_limits.timeout_origin == "render.timeout in cfg/.syncgate.yaml");
  }
  SECTION("the command line wins") {
    RunSettings given;
    given.render_limits = {5, 0, "--render-timeout", ""};
    Expected<RunSettings> s = resolve("render: {timeout: 300s, max_output: 1MiB}\n", given);
    REQUIRE(s);
    CHECK(s->render_limits.timeout_seconds == 5);
    CHECK(s->render_limits.timeout_origin == "--render-timeout");
    CHECK(s->render_limits.max_output_bytes == (std::uintmax_t{1} << 20));
  }
  SECTION("mistakes name the line") {
    Expected<RunSettings> zero = resolve("render:\n  timeout: 0s\n");
    REQUIRE_FALSE(zero);
    CHECK(zero.error().message ==
          "cfg/.syncgate.yaml:2:12: render.timeout must be a duration from 1s to 24h, such as "
          "120s or 5m");
    Expected<RunSettings> small = resolve("render:\n  max_output: 12\n");
    REQUIRE_FALSE(small);
    CHECK(small.error().message.find("cfg/.syncgate.yaml:2:15: render.max_output must be") == 0);
    Expected<RunSettings> typo = resolve("render:\n  timout: 5s\n");
    REQUIRE_FALSE(typo);
    CHECK(typo.error().message.find("cfg/.syncgate.yaml:2:3: unknown render setting 'timout'") ==
          0);
    CHECK(typo.error().message.find("did you mean 'timeout'") != std::string::npos);
    Expected<RunSettings> scalar = resolve("render: 5\n");
    REQUIRE_FALSE(scalar);
    CHECK(scalar.error().message.find("render: must be a map") != std::string::npos);
  }
  SECTION("the flags' parsers") {
    CHECK(ParseRenderTimeout("90") == 90);
    CHECK(ParseRenderTimeout("1.5s") == 2);
    CHECK(ParseRenderTimeout("5m") == 300);
    CHECK_FALSE(ParseRenderTimeout("25h"));
    CHECK_FALSE(ParseRenderTimeout("-1"));
    CHECK_FALSE(ParseRenderTimeout("soon"));
    CHECK(ParseRenderMaxOutput("64MiB") == (std::uintmax_t{64} << 20));
    CHECK(ParseRenderMaxOutput("1024") == 1024u);
    CHECK_FALSE(ParseRenderMaxOutput("1023"));
    CHECK_FALSE(ParseRenderMaxOutput("64XB"));
    CHECK_FALSE(ParseRenderMaxOutput("99999999999999999999999GiB"));
  }
}

}  // namespace syncgate
