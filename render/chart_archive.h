#pragma once
// A bounded look at a chart archive (.tgz) before helm opens it.
//
//   ArchiveLimits limits;  // helm's own bounds by default
//   if (Status ok = CheckChartArchive("charts/redis-17.0.0.tgz", limits); !ok)
//     Refuse(ok.error().message);  // "entry '../../etc/cron.d/x' leaves the chart"
//
// helm unpacks a chart's charts/*.tgz (and a fetched chart) itself, and older versions follow
// `../` names and links, and unpack whatever size the archive inflates to. A hostile repository
// or a poisoned dependency cache must not get that far: every entry's header is read (ustar, GNU
// long names, pax `path`/`size` records) without writing anything, within limits on the bytes
// inflated, on each file and on the number of entries.

#include <string>

#include "checker/expected.h"
#include "checker/run_settings.h"  // ArchiveLimits

namespace syncgate::render {

/// Ok when every entry of the gzip-compressed tar at `path` is a plain file or folder with a
/// relative name that stays inside the archive, within `limits`. Else why not, naming the entry
/// or the limit ("entry 'x/../../y' leaves the chart", "entry 'a' is a symbolic link to /etc",
/// "inflates past the 100 MiB limit (chart_archives.max_size)").
Status CheckChartArchive(const std::string& path, const ArchiveLimits& limits);

}  // namespace syncgate::render
