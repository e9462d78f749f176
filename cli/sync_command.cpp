// `syncgate sync`, `syncgate history`, `syncgate rollback` and `syncgate cmp generate`: the gated
// sync (sync/sync_engine.h) and its ArgoCD Config Management Plugin mode.
#include <fmt/format.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "checker/config.h"
#include "checker/redaction.h"
#include "checker/text_util.h"
#include "cli/commands.h"
#include "model/duration.h"
#include "sources/git_source.h"
#include "sync/sync_engine.h"

namespace syncgate::cli {
namespace {
namespace fs = std::filesystem;

std::atomic<bool> g_stop{false};
extern "C" void OnStopSignal(int) { g_stop = true; }

struct SyncCliOptions {
  std::vector<std::string> paths;
  std::vector<std::string> repo_maps;  // URL=PATH
  std::string fail_on = "error";
  std::string publish = "branch";
  std::string interval = "3m";
  bool plan = false;
  bool watch = false;
  bool timings = false;
  sync::SyncOptions sync;
};

int RunSyncOnce(SyncCliOptions& opts) {
  std::vector<sync::SyncOutcome> outcomes = sync::SyncApplications(opts.paths, opts.sync);
  for (const sync::SyncOutcome& o : outcomes) {
    std::ostream& out = o.verdict == sync::Verdict::kError ? std::cerr : std::cout;
    out << ScrubSecrets(
        sync::FormatOutcome(o, opts.plan || o.verdict == sync::Verdict::kPublished));
    if (opts.timings && !o.timings.empty()) {
      auto ms = [&](const char* key) {
        auto it = o.timings.find(key);
        return it == o.timings.end() ? 0.0 : it->second;
      };
      const double gate = ms("fetch") + ms("check") - ms("render") + ms("publish");
      out << fmt::format(
          "  timings: fetch {:.1f} ms, render {:.1f} ms, check {:.1f} ms, publish {:.1f} ms; "
          "gate's own work {:.1f} ms\n",
          ms("fetch"), ms("render"), ms("check") - ms("render"), ms("publish"), gate);
    }
  }
  return sync::ExitCodeOf(outcomes);
}

int RunSync(SyncCliOptions& opts) {
  const Expected<std::optional<Severity>> fail_on = ParseFailOn(opts.fail_on);
  if (!fail_on) {
    std::cerr << "syncgate: " << fail_on.error().message << "\n";
    return kExitError;
  }
  opts.sync.fail_on = *fail_on;
  if (opts.publish != "branch") {
    std::cerr << fmt::format(
        "syncgate: --publish '{}' is not supported (branch; use `syncgate cmp "
        "generate` for the ArgoCD plugin mode)\n",
        opts.publish);
    return kExitError;
  }
  if (opts.sync.target.empty() && !opts.plan) {
    std::cerr
        << "syncgate: sync needs --target REPO (the repository of the environment branches)\n";
    return kExitError;
  }
  for (const std::string& spec : opts.repo_maps) {
    const size_t eq = spec.rfind('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == spec.size()) {
      std::cerr << fmt::format("syncgate: --repo-map needs URL=PATH, not '{}'\n", spec);
      return kExitError;
    }
    opts.sync.repo_map[spec.substr(0, eq)] = spec.substr(eq + 1);
  }
  opts.sync.plan_only = opts.plan;
  if (opts.plan && opts.sync.target.empty()) {
    std::cerr
        << "syncgate: --plan needs --target too (the plan is against the last published state)\n";
    return kExitError;
  }
  if (!opts.watch) return RunSyncOnce(opts);

  auto interval = model::ParseArgoDuration(opts.interval);
  if (!interval || interval->count() <= 0) {
    std::cerr << fmt::format("syncgate: --interval '{}' is not a duration (3m, 90s)\n",
                             opts.interval);
    return kExitError;
  }
  opts.sync.skip_refused_commits = true;
  std::signal(SIGINT, OnStopSignal);
  std::signal(SIGTERM, OnStopSignal);
  int last = kExitPass;
  while (!g_stop) {
    last = RunSyncOnce(opts);
    const auto until = std::chrono::steady_clock::now() + *interval;
    while (!g_stop && std::chrono::steady_clock::now() < until) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
  std::cerr << "syncgate: watch stopped\n";
  return last == kExitError ? kExitError : kExitPass;
}

/// The environment branch of `app`: --branch, else env/<environment>/<app> with the environment
/// from --env, .syncgate.yaml, or the one env/*/<app> branch the target holds.
Expected<std::string> BranchFor(const std::string& app, const std::string& branch,
                                const std::string& env, const std::string& config_path,
                                const std::string& target) {
  if (!branch.empty()) return branch;
  std::string environment = env;
  if (environment.empty()) {
    const std::string path = config_path.empty() ? Config::FindUpward(".") : config_path;
    if (!path.empty()) {
      if (Expected<Config> config = Config::Load(path)) {
        for (const EnvironmentProfile& p : config->environments()) {
          for (const std::string& glob : p.applications) {
            if (GlobMatch(glob, app) && environment.empty()) environment = p.name;
          }
        }
      }
    }
  }
  if (environment.empty()) {
    const std::string glob =
        "refs/heads/" + sync::BranchName("env/{environment}/{application}", "*", app);
    Expected<GitRepository> repo = GitRepository::OpenAt(target);
    if (!repo) return Unexpected(repo.error());
    Expected<std::vector<std::string>> refs = repo->RefsMatching(glob);
    if (!refs) return Unexpected(refs.error());
    if (refs->size() > 1) {
      std::string names;
      for (const std::string& r : *refs) names += "\n  " + r.substr(11);
      return Unexpected(
          fmt::format("{} has a branch of {} in several environments; choose one with "
                      "--env or --branch:{}",
                      target, app, names));
    }
    if (refs->size() == 1) return refs->front().substr(11);  // without refs/heads/
    environment = "default";
  }
  return sync::BranchName("env/{environment}/{application}", environment, app);
}

/// The options of history and rollback.
struct BranchOpts {
  std::string app, revision, target, branch, env, config;
  int limit = 20;
};

/// BranchFor for history and rollback; prints the error and sets exit 2 when there is none.
std::optional<std::string> BranchOrFail(const BranchOpts& opts, CommandResult& result) {
  Expected<std::string> branch =
      BranchFor(opts.app, opts.branch, opts.env, opts.config, opts.target);
  if (branch) return *branch;
  std::cerr << "syncgate: " << branch.error().message << "\n";
  result.exit_code = kExitError;
  return std::nullopt;
}

// ---- cmp generate

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

/// `text` as a YAML double-quoted scalar (inline values hold newlines and tabs).
std::string YamlQuote(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\r') {
      out += "\\r";
    } else {
      if (c == '"' || c == '\\') out.push_back('\\');
      out.push_back(c);
    }
  }
  return out + "\"";
}

/// ArgoCD runs `generate` in the Application's source path with ARGOCD_APP_* set; the gate
/// renders and checks that folder and prints manifests only on pass. Errors go to stderr,
/// which ArgoCD shows in its UI: short, and redacted.
int RunCmpGenerate(const std::string& fail_on_text, const std::string& config_path_opt) {
  const Expected<std::optional<Severity>> fail_on = ParseFailOn(fail_on_text);
  if (!fail_on) {
    std::cerr << "syncgate: " << fail_on.error().message << "\n";
    return kExitError;
  }
  const std::string app = Env("ARGOCD_APP_NAME");
  if (app.empty()) {
    std::cerr << "syncgate: ARGOCD_APP_NAME is not set: cmp generate runs inside ArgoCD's "
                 "repo-server plugin sidecar\n";
    return kExitError;
  }
  std::string source_path = Env("ARGOCD_APP_SOURCE_PATH");
  while (!source_path.empty() && (source_path.back() == '/' || source_path == "."))
    source_path.pop_back();
  const std::string display_root = source_path.empty() ? "source" : source_path;
  std::vector<sync::SourceFileInput> sources;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(".", ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (it->path().filename() == ".git") {
      it.disable_recursion_pending();
      continue;
    }
    if (!it->is_regular_file()) continue;
    std::ifstream in(it->path(), std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    const std::string rel = it->path().lexically_relative(".").generic_string();
    sources.push_back({display_root + "/" + rel, fs::absolute(it->path()).string(), text.str()});
  }
  std::sort(sources.begin(), sources.end(),
            [](const auto& a, const auto& b) { return a.display_path < b.display_path; });
  // The Application as ArgoCD describes it to the plugin. The plugin's env (`plugin.env`, handed
  // over as ARGOCD_ENV_*) carries what `spec.source.helm` would: VALUE_FILES (comma-separated,
  // relative to the source path), HELM_VALUES (inline values, YAML) and RELEASE_NAME. The name
  // ends in .yaml so that it is read as the Application it is.
  std::string app_yaml = fmt::format(
      "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: {}\nspec:\n"
      "  project: {}\n  source:\n    repoURL: {}\n    targetRevision: {}\n    path: {}\n",
      YamlQuote(app),
      YamlQuote(Env("ARGOCD_APP_PROJECT_NAME").empty() ? "default"
                                                       : Env("ARGOCD_APP_PROJECT_NAME")),
      YamlQuote(Env("ARGOCD_APP_SOURCE_REPO_URL")),
      YamlQuote(Env("ARGOCD_APP_REVISION").empty() ? Env("ARGOCD_APP_SOURCE_TARGET_REVISION")
                                                   : Env("ARGOCD_APP_REVISION")),
      YamlQuote(display_root));
  std::string helm_yaml;
  if (const std::string files = Env("ARGOCD_ENV_VALUE_FILES"); !files.empty()) {
    helm_yaml += "      valueFiles:\n";
    std::stringstream list(files);
    for (std::string f; std::getline(list, f, ',');) {
      f = std::string(Trim(f));
      if (!f.empty()) helm_yaml += "        - " + YamlQuote(f) + "\n";
    }
  }
  if (const std::string values = Env("ARGOCD_ENV_HELM_VALUES"); !values.empty())
    helm_yaml += "      values: " + YamlQuote(values) + "\n";
  if (const std::string release = Env("ARGOCD_ENV_RELEASE_NAME"); !release.empty())
    helm_yaml += "      releaseName: " + YamlQuote(release) + "\n";
  if (!helm_yaml.empty()) app_yaml += "    helm:\n" + helm_yaml;
  // What `spec.source.directory` would say (a plugin source cannot have one): DIRECTORY_RECURSE
  // (true/false), DIRECTORY_INCLUDE and DIRECTORY_EXCLUDE (globs), so that a folder publishes
  // exactly the files ArgoCD would read there.
  model::DirectoryOptions directory;
  std::string directory_yaml;
  if (const std::string recurse = ToLower(Trim(Env("ARGOCD_ENV_DIRECTORY_RECURSE")));
      !recurse.empty()) {
    directory.recurse = recurse == "true" || recurse == "yes" || recurse == "on" || recurse == "1";
    directory_yaml += fmt::format("      recurse: {}\n", directory.recurse);
  }
  directory.include = Env("ARGOCD_ENV_DIRECTORY_INCLUDE");
  if (!directory.include.empty())
    directory_yaml += "      include: " + YamlQuote(directory.include) + "\n";
  directory.exclude = Env("ARGOCD_ENV_DIRECTORY_EXCLUDE");
  if (!directory.exclude.empty())
    directory_yaml += "      exclude: " + YamlQuote(directory.exclude) + "\n";
  if (!directory_yaml.empty()) app_yaml += "    directory:\n" + directory_yaml;
  app_yaml +=
      fmt::format("  destination:\n    namespace: {}\n", YamlQuote(Env("ARGOCD_APP_NAMESPACE")));
  InputFile app_file;
  app_file.display_path = "argocd-application(" + app + ").yaml";
  app_file.content = app_yaml;

  const std::string config_path =
      config_path_opt.empty() ? Config::FindUpward(".") : config_path_opt;
  Expected<Config> config = sync::ConfigForPinnedTrees(config_path);
  if (!config) {
    std::cerr << "syncgate: configuration error: " << config.error().message << "\n";
    return kExitError;
  }
  sync::SyncOptions options;
  options.fail_on = *fail_on;
  options.settings.default_namespace = Env("ARGOCD_APP_NAMESPACE");
  // ArgoCD's environment (KUBE_VERSION, the destination cluster's version) is read when the
  // run's settings are resolved.
  options.settings.argocd_plugin = true;
  sync::GateCheck check = sync::CheckApplicationSource(app_file, app, sources, display_root,
                                                       directory, *config, options);
  // The Application above is ArgoCD's description of this render, not a file of the repository:
  // what the Application rules say about its fields (no server in the destination, no
  // targetRevision) is for the Application where it is written. Anything else found in it (a
  // secret or a wrong value in the plugin's values) still refuses.
  std::erase_if(check.blocking, [&](const Finding& f) {
    return f.file == app_file.display_path && !f.rendered && StartsWith(f.rule, "argocd-");
  });
  const std::string revision = Env("ARGOCD_APP_REVISION").substr(0, 7);
  if (check.failed_to_run) {
    std::cerr << fmt::format("syncgate: {} at {}: the check could not run: {}\n", app, revision,
                             check.reason);
    return kExitError;
  }
  if (!check.blocking.empty()) {
    std::cerr << fmt::format("syncgate: {} at {} refused: {} finding{} at or above {}\n", app,
                             revision, check.blocking.size(), check.blocking.size() == 1 ? "" : "s",
                             fail_on_text);
    size_t shown = 0;
    for (const Finding& f : check.blocking) {
      if (++shown > 5) {
        std::cerr << fmt::format("  ... and {} more\n", check.blocking.size() - 5);
        break;
      }
      std::cerr << fmt::format("  {}:{}: [{}] {}\n", f.file, f.line, f.rule, f.message);
    }
    return kExitFindings;
  }
  sync::SplitResult objects = sync::SplitManifests(check.manifest, Env("ARGOCD_APP_NAMESPACE"));
  if (!objects.error.empty()) {
    std::cerr << "syncgate: " << objects.error << "\n";
    return kExitError;
  }
  sync::SyncPlan plan = sync::MakePlan(std::move(objects.objects), {}, {});
  std::cout << sync::PlanManifest(plan);
  return kExitPass;
}

}  // namespace

void AddSyncCommands(CLI::App& app, CommandResult& result) {
  auto opts = std::make_shared<SyncCliOptions>();
  CLI::App* cmd = app.add_subcommand(
      "sync",
      "Gate ArgoCD Applications: fetch and pin, render, check, plan, and only on pass "
      "publish the rendered manifests to an environment branch");
  cmd->add_option("paths", opts->paths, "Application files or folders (app-of-apps)")->required();
  cmd->add_option("--target", opts->sync.target,
                  "Repository (local path) of the environment branches");
  cmd->add_option("--repo-map", opts->repo_maps,
                  "URL=PATH: fetch this repoURL from a local repository (or a folder inside one). "
                  "Repeatable; adds to `repositories:` in .syncgate.yaml");
  cmd->add_option("--fail-on", opts->fail_on,
                  "Lowest severity that refuses: error (default), warning, info, never");
  cmd->add_option("--publish", opts->publish, "How to publish: branch (default)");
  cmd->add_option("--branch", opts->sync.branch_template,
                  "Environment branch name template (default env/{environment}/{application})");
  cmd->add_option("--env", opts->sync.environment,
                  "Environment for Applications no profile claims (default: default)");
  cmd->add_option("--config", opts->sync.config_path,
                  "Configuration file (default: found upward from each Application)");
  cmd->add_option("--cache-dir", opts->sync.cache_dir, "Where fetched repositories are kept");
  cmd->add_option("--state-dir", opts->sync.state_dir,
                  "Where gate records are written (default: <cache-dir>/state)");
  cmd->add_option_function<double>(
         "--fetch-timeout",
         [opts](double seconds) {
           opts->sync.fetch_timeout =
               std::chrono::milliseconds(static_cast<long long>(seconds * 1000));
         },
         "Fail a fetch of a source that takes longer than this many seconds, retried as "
         "syncPolicy.retry says (default 90, as ArgoCD's repo-server)")
      // Bounded: a day in milliseconds fits every clock, where CLI::PositiveNumber let 1e300
      // through to an overflowing conversion (and printed its whole range when refusing).
      ->check(CLI::Validator(
          [](const std::string& text) -> std::string {
            char* end = nullptr;
            const double seconds = std::strtod(text.c_str(), &end);
            if (text.empty() || *end != '\0' || !(seconds >= 0.001 && seconds <= 86400)) {
              return fmt::format("expects seconds from 0.001 to 86400, e.g. 90 (got '{}')", text);
            }
            return "";
          },
          "SECONDS"));
  cmd->add_option("--helm", opts->sync.settings.helm_binary,
                  "The helm binary (default: $SYNCGATE_HELM, helm on PATH, then the copy "
                  "installed in <prefix>/libexec/syncgate)");
  cmd->add_option("--kustomize", opts->sync.settings.kustomize_binary,
                  "The kustomize (or kubectl) binary (default: $SYNCGATE_KUSTOMIZE, "
                  "kustomize, then kubectl, on PATH, then in <prefix>/libexec/syncgate)");
  cmd->add_option("--kube-version", opts->sync.settings.kube_version,
                  "Target Kubernetes version X.Y");
  AddRenderLimitOptions(*cmd, opts->sync.settings.render_limits);
  cmd->add_option("-j,--jobs", opts->sync.jobs, "Worker threads (default: all cores)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_flag("--plan", opts->plan, "Print the plan (order, prune set, diff summary) and stop");
  cmd->add_flag(
      "--allow-rewrite", opts->sync.allow_rewrite,
      "Accept a source commit that does not descend from the last gated one (force push)");
  cmd->add_flag("--timings", opts->timings,
                "Print the time spent in fetch, render, check and publish");
  cmd->add_flag("--watch", opts->watch,
                "Keep polling and gate each new commit; stops on SIGINT/SIGTERM");
  cmd->add_option("--interval", opts->interval,
                  "Poll interval with --watch (default 3m, as ArgoCD)");
  cmd->callback([opts, &result] { result.exit_code = RunSync(*opts); });

  auto history = std::make_shared<BranchOpts>();
  CLI::App* hist = app.add_subcommand(
      "history", "List the published revisions of an Application's environment branch");
  hist->add_option("app", history->app, "Application name")->required();
  hist->add_option("--target", history->target, "Repository of the environment branches")
      ->required();
  hist->add_option("--branch", history->branch, "The branch (default env/<environment>/<app>)");
  hist->add_option(
      "--env", history->env,
      "Environment (default: from .syncgate.yaml, else the one env/*/APP branch of --target)");
  hist->add_option("--config", history->config, "Configuration file");
  hist->add_option("-n,--limit", history->limit, "At most this many revisions");
  hist->callback([history, &result] {
    const std::optional<std::string> found = BranchOrFail(*history, result);
    if (!found) return;
    const std::string& branch = *found;
    Expected<std::vector<sync::PublishedRevision>> revs =
        sync::History(history->target, branch, history->limit);
    if (!revs) {
      std::cerr << "syncgate: " << revs.error().message << "\n";
      result.exit_code = kExitError;
      return;
    }
    for (const auto& r : *revs) {
      std::cout << fmt::format("{}  source {}  {}  {}\n", r.commit.substr(0, 12),
                               r.source_commit.empty() ? "-" : r.source_commit.substr(0, 12),
                               r.verdict.empty() ? "-" : r.verdict, r.subject);
    }
  });

  auto rollback = std::make_shared<BranchOpts>();
  CLI::App* roll = app.add_subcommand(
      "rollback", "Publish an earlier gated state of an environment branch again");
  roll->add_option("app", rollback->app, "Application name")->required();
  roll->add_option("revision", rollback->revision, "A commit of the branch (see syncgate history)")
      ->required();
  roll->add_option("--target", rollback->target, "Repository of the environment branches")
      ->required();
  roll->add_option("--branch", rollback->branch, "The branch (default env/<environment>/<app>)");
  roll->add_option(
      "--env", rollback->env,
      "Environment (default: from .syncgate.yaml, else the one env/*/APP branch of --target)");
  roll->add_option("--config", rollback->config, "Configuration file");
  roll->callback([rollback, &result] {
    const std::optional<std::string> found = BranchOrFail(*rollback, result);
    if (!found) return;
    const std::string& branch = *found;
    Expected<std::string> commit = sync::Rollback(rollback->target, branch, rollback->revision);
    if (!commit) {
      std::cerr << "syncgate: " << commit.error().message << "\n";
      result.exit_code = kExitError;
      return;
    }
    std::cout << fmt::format("{}: {} now at {}\n", rollback->app, branch, commit->substr(0, 12));
  });

  auto cmp = std::make_shared<std::pair<std::string, std::string>>("error", "");
  CLI::App* cmp_cmd =
      app.add_subcommand("cmp", "ArgoCD Config Management Plugin (v2 sidecar) mode");
  cmp_cmd->require_subcommand(1);
  CLI::App* generate = cmp_cmd->add_subcommand(
      "generate",
      "Render and check the source in the working directory; print manifests only on pass");
  generate->add_option("--fail-on", cmp->first, "Lowest severity that refuses (default error)");
  generate->add_option("--config", cmp->second, "Configuration file (default: found upward)");
  generate->callback(
      [cmp, &result] { result.exit_code = RunCmpGenerate(cmp->first, cmp->second); });
}

}  // namespace syncgate::cli
