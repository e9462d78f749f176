#pragma once
// Where syncgate keeps what it fetches or computes between runs, decided in this one place:
// `$SYNCGATE_CACHE_DIR/<purpose>`, else `$XDG_CACHE_HOME/syncgate/<purpose>`, else
// `~/.cache/syncgate/<purpose>`.
//
//   std::string schemas = CacheDir("schemas");  // "/home/me/.cache/syncgate/schemas"

#include <string>
#include <string_view>

namespace syncgate {

/// The cache folder for `purpose` ("schemas", "render", "git"); empty when no home or cache
/// variable is set (callers then run without a cache).
std::string CacheDir(std::string_view purpose);

}  // namespace syncgate
