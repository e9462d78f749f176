#pragma once
// Where syncgate finds the external programs it renders with (helm, kustomize or kubectl): one
// search order for every command, never relative to the caller's current directory.
//
//   const ToolSearch helm{.explicit_path = settings.helm_binary, .env_var = "SYNCGATE_HELM",
//                         .names = {"helm"}};
//   const std::string binary = FindTool(helm);  // "" when none is found
#include <string>
#include <vector>

namespace syncgate::render {

struct ToolSearch {
  /// A path the user gave (--helm, --kustomize): used as it is, found or not, so that a wrong
  /// path is reported as wrong instead of silently replaced.
  std::string explicit_path;
  /// An environment variable naming the binary (SYNCGATE_HELM), the second choice.
  std::string env_var;
  /// The program names to look for, in order of preference (kustomize before kubectl).
  std::vector<std::string> names;
};

/// The binary to run: `explicit_path`, then `$env_var`, then each name on PATH, then the copy
/// installed beside syncgate (`<prefix>/libexec/syncgate/`, what the package and the container
/// image install), then the development tree's `.tools/bin` beside the build folder (what
/// tools/install-helm.sh installs). Empty when none is executable.
std::string FindTool(const ToolSearch& search);

/// The folders FindTool looks in after PATH, for messages that say where a tool was looked for.
std::vector<std::string> InstalledToolDirs();

}  // namespace syncgate::render
