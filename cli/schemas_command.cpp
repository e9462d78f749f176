// `syncgate schemas fetch [PATH...]`: fills the schema cache ahead of time, for offline CI.
#include <fmt/format.h>

#include <chrono>
#include <fstream>
#include <iostream>
#include <iterator>
#include <set>

#include "checker/config.h"
#include "checker/run_settings.h"
#include "checker/workspace.h"
#include "cli/commands.h"
#include "validation/schema_store.h"

namespace syncgate::cli {
namespace {

// kubeconform's default location (a self-updating mirror of the Kubernetes OpenAPI schemas).
constexpr const char* kDefaultLocation =
    "https://raw.githubusercontent.com/yannh/kubernetes-json-schema/master/"
    "{{.NormalizedKubernetesVersion}}-standalone{{.StrictSuffix}}/"
    "{{.ResourceKind}}{{.KindSuffix}}.json";

struct FetchOptions {
  std::vector<std::string> paths;
  std::vector<std::string> locations;
  std::string kube_version{kDefaultKubeVersion};
  std::string cache_dir;
  long timeout = 30;
};

/// Every (apiVersion, kind) of the objects in `paths`.
std::set<std::pair<std::string, std::string>> KindsIn(const std::vector<std::string>& paths) {
  std::set<std::pair<std::string, std::string>> kinds;
  Config config;
  Discovery found = DiscoverInputs(paths, config);
  for (const InputFile& input : found.files) {
    if (input.kind != FileKind::kYaml || input.fs_path.empty()) continue;
    std::ifstream in(input.fs_path, std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    LoadResult loaded = LoadYaml(SourceFile::FromText(input.display_path, std::move(text)));
    for (const auto& doc : loaded.documents) {
      const ObjectRef& object = doc->object();
      if (!object.kind.empty() && !object.api_version.empty()) {
        kinds.emplace(object.api_version, object.kind);
      }
    }
  }
  return kinds;
}

int RunFetch(const FetchOptions& opts) {
  SchemaStoreOptions store_options;
  store_options.kube_version = opts.kube_version;
  store_options.locations =
      opts.locations.empty() ? std::vector<std::string>{kDefaultLocation} : opts.locations;
  store_options.cache_dir = opts.cache_dir;
  store_options.timeout_seconds = opts.timeout;
  SchemaStore store(store_options);
  const auto kinds = KindsIn(opts.paths.empty() ? std::vector<std::string>{"."} : opts.paths);
  int fetched = 0;
  int errors = 0;
  std::vector<std::string> missing;
  for (const auto& [api_version, kind] : kinds) {
    if (store.Embedded(SchemaStore::EmbeddedName(api_version, kind)).schema) {
      continue;  // shipped with syncgate
    }
    SchemaLookup found = store.FromLocations(api_version, kind);
    if (!found.error.empty()) {
      std::cerr << fmt::format("syncgate: {} {}: {}\n", api_version, kind, found.error);
      ++errors;
    } else if (found.schema) {
      ++fetched;
    } else {
      missing.push_back(api_version + " " + kind);
    }
  }
  std::cout << fmt::format("{} schemas for Kubernetes {} in {}\n", fetched, opts.kube_version,
                           store.options().cache_dir);
  for (const std::string& what : missing) {
    std::cout << fmt::format(
        "  no schema at the locations for {} (a CRD kind? keep its CRD in "
        "the checked files)\n",
        what);
  }
  return errors ? kExitError : kExitPass;
}

struct ValidateOptions {
  std::vector<std::string> paths;
  std::vector<std::string> locations;
  std::string kube_version{kDefaultKubeVersion};
  int repeat = 1;
};

/// Validates every object in `paths` (no rules, one thread) and prints what kubeconform's
/// summary prints, plus the throughput: the benchmark's entry point.
int RunValidate(const ValidateOptions& opts) {
  using Clock = std::chrono::steady_clock;
  SchemaStore store(
      {.kube_version = opts.kube_version, .locations = opts.locations, .allow_network = false});
  Config config;
  Discovery found = DiscoverInputs(opts.paths, config);
  std::vector<LoadResult> loaded;
  for (const InputFile& input : found.files) {
    if (input.kind != FileKind::kYaml || input.fs_path.empty()) continue;
    std::ifstream in(input.fs_path, std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    loaded.push_back(LoadYaml(SourceFile::FromText(input.display_path, std::move(text))));
  }
  std::vector<std::pair<const Document*, std::shared_ptr<const CompiledSchema>>> work;
  int resources = 0;
  int missing = 0;
  const auto compile_start = Clock::now();
  for (const LoadResult& file : loaded) {
    for (const auto& doc : file.documents) {
      const ObjectRef& object = doc->object();
      if (object.kind.empty() || object.api_version.empty()) continue;
      ++resources;
      SchemaLookup schema = store.ForObject(object.api_version, object.kind);
      if (!schema.error.empty()) {
        std::cerr << fmt::format("syncgate: {}: {}\n", doc->source().path(), schema.error);
        return kExitError;
      }
      if (schema.schema)
        work.emplace_back(doc.get(), schema.schema);
      else
        ++missing;
    }
  }
  const double compile_s = std::chrono::duration<double>(Clock::now() - compile_start).count();
  int invalid = 0;
  const auto start = Clock::now();
  for (int round = 0; round < opts.repeat; ++round) {
    invalid = 0;
    for (const auto& [doc, schema] : work) invalid += schema->Validate(*doc).empty() ? 0 : 1;
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  const double validated = static_cast<double>(work.size()) * opts.repeat;
  std::cout << fmt::format(
      "resources: {}, validated: {}, invalid: {}, without schema: {}\n"
      "schema load+compile: {:.3f} s; validation: {:.0f} validations in {:.3f} s = {:.0f} "
      "resources/s (1 thread)\n",
      resources, work.size(), invalid, missing, compile_s, validated, seconds,
      seconds > 0 ? validated / seconds : 0.0);
  return invalid ? kExitFindings : kExitPass;
}

}  // namespace

void AddSchemasCommand(CLI::App& app, CommandResult& result) {
  CLI::App* schemas = app.add_subcommand("schemas", "Kubernetes JSON schemas for validation");
  schemas->require_subcommand(1);
  auto opts = std::make_shared<FetchOptions>();
  CLI::App* fetch = schemas->add_subcommand(
      "fetch", "Download the schemas of every kind used in PATHs into the cache (for offline CI)");
  fetch->add_option("paths", opts->paths, "Files or folders whose kinds to fetch (default: .)");
  fetch->add_option("--kube-version", opts->kube_version,
                    fmt::format("Kubernetes version X.Y (default {})", kDefaultKubeVersion));
  fetch
      ->add_option("--schema-location", opts->locations,
                   "URL template (default: kubeconform's default location). Repeatable")
      ->allow_extra_args(false);
  fetch->add_option(
      "--cache", opts->cache_dir,
      "Cache folder (default: $SYNCGATE_CACHE_DIR/schemas or ~/.cache/syncgate/schemas)");
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
  validate->callback([vopts, &result] { result.exit_code = RunValidate(*vopts); });
}

}  // namespace syncgate::cli
