// `syncgate schemas fetch [PATH...]`: fills the schema cache (or an install folder) with the
// Kubernetes schemas of a version once; `syncgate schemas validate [-j N]`: schema validation
// alone, on N threads, timed (the benchmark's entry point).
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <fstream>
#include <iostream>
#include <set>

#include "checker/config.h"
#include "checker/parallel_for.h"
#include "checker/run_settings.h"
#include "checker/workspace.h"
#include "cli/commands.h"
#include "run/check_run.h"
#include "validation/schema_fetch.h"
#include "validation/schema_store.h"

namespace syncgate::cli {
namespace {

struct FetchOptions {
  std::vector<std::string> paths;
  std::vector<std::string> locations;
  std::string kube_version{kDefaultKubeVersion};
  std::string cache_dir;
  long timeout = 30;
};

/// The content of a file in one read (an istreambuf_iterator copy goes a character at a time:
/// it cost more than validating the objects read). Empty when unreadable.
std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  std::string text;
  if (!in) return text;
  text.resize(static_cast<size_t>(std::max<std::streamoff>(in.tellg(), 0)));
  in.seekg(0);
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<size_t>(std::max<std::streamsize>(in.gcount(), 0)));
  return text;
}

/// Every (apiVersion, kind) of the objects in `paths`.
std::set<std::pair<std::string, std::string>> KindsIn(const std::vector<std::string>& paths) {
  std::set<std::pair<std::string, std::string>> kinds;
  Config config;
  Discovery found = DiscoverInputs(paths, config);
  for (const InputFile& input : found.files) {
    if (input.kind != FileKind::kYaml || input.fs_path.empty()) continue;
    LoadResult loaded = LoadYaml(SourceFile::FromText(input.display_path, ReadAll(input.fs_path)));
    for (const auto& doc : loaded.documents) {
      const ObjectRef& object = doc->object();
      if (!object.kind.empty() && !object.api_version.empty()) {
        kinds.emplace(object.api_version, object.kind);
      }
    }
  }
  return kinds;
}

/// The run settings a plain `syncgate check` would use (no configuration), for the folders the
/// schemas commands read and fill.
RunSettings ResolvedSettings(const std::string& kube_version) {
  RunSettings settings;
  settings.kube_version = kube_version;
  Expected<RunSettings> resolved = ResolveRunSettings(Config{}, settings);
  return resolved ? *resolved : settings;
}

int RunFetch(const FetchOptions& opts) {
  SchemaFetchRequest request;
  request.kube_version = opts.kube_version;
  request.locations = opts.locations.empty()
                          ? std::vector<std::string>{std::string(kKubeconformLocation)}
                          : opts.locations;
  request.into = opts.cache_dir.empty() ? ResolvedSettings(opts.kube_version).schema_cache_dir
                                        : opts.cache_dir;
  request.timeout_seconds = opts.timeout;
  if (request.into.empty()) {
    std::cerr << "syncgate: no cache folder (no HOME, XDG_CACHE_HOME or SYNCGATE_CACHE_DIR): "
                 "pass --cache DIR\n";
    return kExitError;
  }
  if (!opts.paths.empty()) {
    const auto kinds = KindsIn(opts.paths);
    request.kinds.assign(kinds.begin(), kinds.end());
  }
  Expected<SchemaFetchResult> done = FetchKubernetesSchemas(request);
  if (!done) {
    std::cerr << "syncgate: schemas fetch: " << done.error().message << "\n";
    return kExitError;
  }
  for (const std::string& error : done->errors) {
    std::cerr << "syncgate: schemas fetch: " << error << "\n";
  }
  std::cout << fmt::format("Kubernetes {} schemas ({}) in {}: {}{} of {} kinds\n",
                           opts.kube_version, done->version, done->folder,
                           done->definitions_from.empty() ? "" : "_definitions.json and ",
                           done->written, done->kinds);
  if (!done->defined_only.empty()) {
    std::cout << fmt::format(
        "  {} kind{} without a file of their own there: validated from _definitions.json\n",
        done->defined_only.size(), done->defined_only.size() == 1 ? "" : "s");
  }
  if (!done->not_there.empty()) {
    std::cout << "  not at the location (custom resources? keep their CRDs in the checked "
                 "files):\n";
    for (const std::string& what : done->not_there) std::cout << "    " << what << "\n";
  }
  return done->errors.empty() ? kExitPass : kExitError;
}

struct ValidateOptions {
  std::vector<std::string> paths;
  std::vector<std::string> locations;
  std::string kube_version{kDefaultKubeVersion};
  int repeat = 1;
  int jobs = 0;  // 0: every core
  bool summary_only = false;
};

/// One object to validate, with what each phase found for it (each phase writes only its own
/// slot, so the output is in input order whatever the thread count).
struct Resource {
  const Document* doc = nullptr;
  SchemaLookup schema;
  std::vector<SchemaError> errors;
};

/// Wall and CPU seconds of one phase (CPU: all threads of the process).
struct PhaseTime {
  double wall = 0;
  double cpu = 0;
  std::string Text() const { return fmt::format("{:.3f} s wall, {:.3f} s CPU", wall, cpu); }
};

class PhaseTimer {
 public:
  PhaseTimer() : wall_start_(Clock::now()), cpu_start_(std::clock()) {}
  PhaseTime Elapsed() const {
    return {std::chrono::duration<double>(Clock::now() - wall_start_).count(),
            static_cast<double>(std::clock() - cpu_start_) / CLOCKS_PER_SEC};
  }

 private:
  using Clock = std::chrono::steady_clock;
  Clock::time_point wall_start_;
  std::clock_t cpu_start_;
};

/// Validates every object in `paths` (no rules) on `jobs` threads, prints each invalid one's
/// errors as kubeconform does, then the counts and the throughput: the benchmark's entry point.
int RunValidate(const ValidateOptions& opts) {
  const int jobs = ResolveJobs(opts.jobs);
  // No --schema-location: the installed folder and the cache, as `syncgate check` reads them.
  const RunSettings settings = ResolvedSettings(opts.kube_version);
  SchemaStore store({.kube_version = opts.kube_version,
                     .locations = opts.locations,
                     .folders = settings.schema_folders.value_or(std::vector<std::string>{}),
                     .cache_dir = settings.schema_cache_dir,
                     .allow_network = false});
  Config config;
  const PhaseTimer total;
  Discovery found = DiscoverInputs(opts.paths, config);
  std::erase_if(found.files, [](const InputFile& input) {
    return input.kind != FileKind::kYaml || input.fs_path.empty();
  });
  std::vector<LoadResult> loaded(found.files.size());
  const PhaseTimer parse;
  ParallelFor(loaded.size(), jobs, [&](size_t i) {
    const InputFile& input = found.files[i];
    loaded[i] = LoadYaml(SourceFile::FromText(input.display_path, ReadAll(input.fs_path)));
  });
  const PhaseTime parse_time = parse.Elapsed();

  std::vector<Resource> resources;
  for (const LoadResult& file : loaded) {
    for (const auto& doc : file.documents) {
      const ObjectRef& object = doc->object();
      if (!object.kind.empty() && !object.api_version.empty()) resources.push_back({doc.get()});
    }
  }
  // Each kind's schema is compiled once, by the first thread that asks; the others wait for it.
  const PhaseTimer compile;
  ParallelFor(resources.size(), jobs, [&](size_t i) {
    const ObjectRef& object = resources[i].doc->object();
    resources[i].schema = store.ForObject(object.api_version, object.kind);
  });
  const PhaseTime compile_time = compile.Elapsed();
  std::vector<Resource*> work;
  for (Resource& resource : resources) {
    if (!resource.schema.error.empty()) {
      std::cerr << fmt::format("syncgate: {}: {}\n", resource.doc->source().path(),
                               resource.schema.error);
      return kExitError;
    }
    if (resource.schema.schema) work.push_back(&resource);
  }

  const PhaseTimer validation;
  for (int round = 0; round < opts.repeat; ++round) {
    ParallelFor(work.size(), jobs, [&](size_t i) {
      work[i]->errors = work[i]->schema.schema->Validate(*work[i]->doc);
    });
  }
  const PhaseTime validation_time = validation.Elapsed();

  int invalid = 0;
  for (const Resource* resource : work) {
    if (resource->errors.empty()) continue;
    ++invalid;
    if (opts.summary_only) continue;
    const Document& doc = *resource->doc;
    for (const SchemaError& error : resource->errors) {
      const Position at = doc.PositionOf(error.pointer);
      std::cout << fmt::format("{}:{}:{}: {} {}: {}{}\n", doc.source().path(), at.line, at.column,
                               doc.object().kind, doc.object().name,
                               error.pointer.empty() ? "" : error.pointer + ": ", error.message);
    }
  }
  const double validated = static_cast<double>(work.size()) * opts.repeat;
  std::cout << fmt::format(
      "resources: {}, validated: {}, invalid: {}, without schema: {}\n"
      "parse: {}; schema load+compile: {}; validation: {:.0f} validations in {} = {:.0f} "
      "resources/s ({} thread{}); total {}\n",
      resources.size(), work.size(), invalid, resources.size() - work.size(), parse_time.Text(),
      compile_time.Text(), validated, validation_time.Text(),
      validation_time.wall > 0 ? validated / validation_time.wall : 0.0, jobs, jobs == 1 ? "" : "s",
      total.Elapsed().Text());
  return invalid ? kExitFindings : kExitPass;
}

}  // namespace

void AddSchemasCommand(CLI::App& app, CommandResult& result) {
  CLI::App* schemas = app.add_subcommand("schemas", "Kubernetes JSON schemas for validation");
  schemas->require_subcommand(1);
  auto opts = std::make_shared<FetchOptions>();
  CLI::App* fetch = schemas->add_subcommand(
      "fetch",
      "Fetch the Kubernetes schemas of a version once (_definitions.json and every kind) into "
      "the cache, where every later check finds them offline");
  fetch->add_option("paths", opts->paths,
                    "Fetch only the kinds used in these files or folders (default: every kind)");
  fetch->add_option(
      "--kube-version", opts->kube_version,
      fmt::format("Kubernetes version X.Y or X.Y.Z (default {})", kDefaultKubeVersion));
  fetch
      ->add_option("--schema-location", opts->locations,
                   "Where from: a folder or URL template in kubeconform's layout (default: "
                   "kubeconform's default location). Repeatable")
      ->allow_extra_args(false);
  fetch->add_option("--cache", opts->cache_dir,
                    "Folder to fill (default: $SYNCGATE_CACHE_DIR/schemas, else "
                    "~/.cache/syncgate/schemas; a package installs into "
                    "<prefix>/share/syncgate/schemas)");
  fetch->add_option("--timeout", opts->timeout, "Seconds per download (default 30)");
  fetch->callback([opts, &result] { result.exit_code = RunFetch(*opts); });

  auto vopts = std::make_shared<ValidateOptions>();
  CLI::App* validate = schemas->add_subcommand(
      "validate", "Validate objects against their schemas only (no rules), with timings");
  validate->add_option("paths", vopts->paths, "Files or folders")->required();
  validate->add_option("--kube-version", vopts->kube_version,
                       fmt::format("Kubernetes version X.Y (default {})", kDefaultKubeVersion));
  validate
      ->add_option("--schema-location", vopts->locations,
                   "Folder or template (local only: no network). Repeatable")
      ->allow_extra_args(false);
  validate->add_option("--repeat", vopts->repeat, "Validate everything N times (benchmarks)")
      ->check(CLI::PositiveNumber);
  validate->add_option("-j,--jobs", vopts->jobs, "Worker threads (default: all cores)")
      ->check(CLI::NonNegativeNumber);
  validate->add_flag("--summary", vopts->summary_only,
                     "Print only the counts and timings, not each invalid object's errors");
  validate->callback([vopts, &result] { result.exit_code = RunValidate(*vopts); });
}

}  // namespace syncgate::cli
