#pragma once
// Which files a run reports on when it is one shard of a check split across CI jobs. The shard
// stage (run/shard.h) leaves a ShardScope in the workspace; the render stage renders only the
// plans of the shard's files and the engine checks, counts and reports only them. Every file is
// still loaded, so rules that look across files see the whole tree.
//
//   if (!InShard(workspace, finding.file)) continue;  // another shard reports it

#include <functional>
#include <string_view>

#include "checker/workspace.h"

namespace syncgate {

/// Left in the workspace (Workspace::Extension) by the shard stage of a sharded run.
struct ShardScope {
  /// Whether this shard owns the file (or chart folder, or render) at a display path; unset:
  /// every path (a run that is not sharded).
  std::function<bool(std::string_view display_path)> owns;
};

/// Whether this run reports on `display_path`: always, unless the run is one shard of several.
inline bool InShard(const Workspace& workspace, std::string_view display_path) {
  const ShardScope* scope = workspace.FindExtension<ShardScope>();
  return !scope || !scope->owns || scope->owns(display_path);
}

}  // namespace syncgate
