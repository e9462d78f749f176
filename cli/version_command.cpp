// `syncgate version` and `syncgate version --verbose`: what a bug report needs to reproduce a run
// (the commit, the libraries linked, the renderers found and the schemas a check would use).
#include <fmt/format.h>

#include <CLI/Version.hpp>
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <system_error>

#include "cli/commands.h"
#include "commit_id.h"
#include "render/helm_renderer.h"
#include "render/kustomize_renderer.h"
#include "render/subprocess.h"
#include "sealing/sealed_secrets.h"
#include "sources/git_source.h"
#include "sources/http_fetch.h"
#include "validation/embedded_schemas.h"

namespace syncgate::cli {
namespace {
namespace fs = std::filesystem;

/// "path (first line of `<binary> <args>`)", or why it is missing.
std::string RendererLine(const std::string& binary, std::vector<std::string> version_args,
                         const std::string& missing) {
  if (binary.empty()) return "not found (" + missing + ")";
  version_args.insert(version_args.begin(), binary);
  const render::ProcessResult r = render::RunProcess(version_args, "", 10);
  if (!r.started || r.exit_code != 0) return binary + " (does not run: " + r.error + ")";
  const std::string first = r.out.substr(0, r.out.find('\n'));
  return fmt::format("{} ({})", binary, first);
}

/// The Kubernetes versions a schema folder holds in kubeconform's layout (vX.Y.Z-standalone*).
std::string SchemaFolderLine(const std::string& folder) {
  std::error_code ec;
  std::vector<std::string> versions;
  for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.starts_with("v") && name.find("-standalone") != std::string::npos) {
      versions.push_back(name);
    }
  }
  std::sort(versions.begin(), versions.end());
  if (versions.empty()) return folder + " (none)";
  return fmt::format("{} ({})", folder, fmt::join(versions, ", "));
}

void PrintVerbose() {
  std::cout << "syncgate " << SYNCGATE_VERSION << "\n";
  std::cout << "commit: " << SYNCGATE_COMMIT << "\n";
#if defined(__clang__)
  std::cout << "compiler: clang " << __clang_version__ << "\n";
#else
  std::cout << "compiler: GCC " << __VERSION__ << "\n";
#endif
  std::cout << "libraries:\n";
  std::cout << "  libgit2 " << LibGit2Version() << "\n";
  std::cout << "  Botan " << sealing::BotanVersion() << "\n";
  std::cout << "  yaml-cpp " << SYNCGATE_YAML_CPP_VERSION << "\n";
  std::cout << "  RE2 " << SYNCGATE_RE2_VERSION << "\n";
  std::cout << fmt::format("  {{fmt}} {}.{}.{}\n", FMT_VERSION / 10000, FMT_VERSION / 100 % 100,
                           FMT_VERSION % 100);
  std::cout << fmt::format("  nlohmann-json {}.{}.{}\n", NLOHMANN_JSON_VERSION_MAJOR,
                           NLOHMANN_JSON_VERSION_MINOR, NLOHMANN_JSON_VERSION_PATCH);
  std::cout << "  CLI11 " << CLI11_VERSION << "\n";
  // Loaded on first download only (sources/http_fetch.cpp): a missing one costs the downloads.
  const Expected<std::string> curl = HttpClientVersion();
  std::cout << "  " << (curl ? *curl : "libcurl: " + curl.error().message) << "\n";

  std::cout << "renderers:\n";
  std::cout << "  helm: "
            << RendererLine(render::FindHelm(""), {"version", "--short"},
                            "pass --helm or set SYNCGATE_HELM")
            << "\n";
  std::cout << "  kustomize: "
            << RendererLine(render::FindKustomize(""), {"version", "--client"},
                            "pass --kustomize or set SYNCGATE_KUSTOMIZE")
            << "\n";

  std::cout << "schemas:\n";
  std::cout << "  Kubernetes version by default: " << kDefaultKubeVersion << "\n";
  std::cout << "  built in:";
  for (const auto& [file_name, json_text] : EmbeddedSchemas()) std::cout << " " << file_name;
  std::cout << "\n";
  // The folders a check with the defaults would read, as the run resolves them.
  const Expected<Config> defaults = LoadConfig("");
  if (!defaults) return;
  const Expected<RunSettings> settings = ResolveRunSettings(*defaults, RunSettings());
  if (!settings) return;
  for (const std::string& folder : settings->schema_folders.value_or(std::vector<std::string>{})) {
    std::cout << "  folder: " << SchemaFolderLine(folder) << "\n";
  }
}

}  // namespace

void AddVersionCommand(CLI::App& app, CommandResult& result) {
  CLI::App* cmd = app.add_subcommand("version", "Print the version");
  auto verbose = std::make_shared<bool>(false);
  cmd->add_flag("--verbose,-v", *verbose,
                "Also the commit, the linked libraries, the helm and kustomize found, and the "
                "schemas a check would use");
  cmd->callback([&result, verbose] {
    if (*verbose) {
      PrintVerbose();
    } else {
      std::cout << "syncgate " << SYNCGATE_VERSION << "\n";
    }
    result.exit_code = kExitPass;
  });
}

}  // namespace syncgate::cli
