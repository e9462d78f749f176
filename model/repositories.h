#pragma once
// Which local place stands for a repository URL (a git repository, a Helm repository, an OCI
// prefix), decided in one place from RunSettings::repo_map (`--repo-map` first, then
// `repositories:` of .syncgate.yaml). Git URLs compare as repositories ("https://Host/a/b.git"
// is "git@host:a/b"); Helm repository URLs and OCI prefixes by their normalised text, so that
// `oci://registry.example/charts` also maps `oci://registry.example/charts/web`.
//
//   if (auto m = model::MapRepository("oci://ghcr.io/acme/charts/web", settings)) {
//     // m->location: "/srv/mirror/acme" (a folder) or "oci://127.0.0.1:5000/acme" (a URL)
//     // m->rest: "web" (what the URL names below the mapped prefix)
//   }

#include <optional>
#include <string>
#include <string_view>

#include "checker/run_settings.h"

namespace syncgate::model {

struct RepositoryMapping {
  std::string location;  // a folder, or a URL
  std::string rest;      // the part of the URL below the mapped prefix, '/'-separated; "" if all
  bool is_folder() const { return location.find("://") == std::string::npos; }
};

/// The first mapping of `settings.repo_map` that covers `url`, or nothing.
std::optional<RepositoryMapping> MapRepository(std::string_view url, const RunSettings& settings);

}  // namespace syncgate::model
