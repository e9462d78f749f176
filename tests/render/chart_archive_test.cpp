// Hostile chart archives are refused before helm opens them (render/chart_archive.h): names that
// leave the chart, links, device entries, and archives that inflate past the limits. The
// archives are written here by hand (tar headers, zlib), so each case is exactly the attack.
#include "render/chart_archive.h"

#include <fmt/format.h>
#include <zlib.h>

#include <catch2/catch.hpp>
#include <cstring>
#include <string>
#include <vector>

#include "run/check_run.h"
#include "tests/test_util.h"

namespace syncgate {
namespace {
namespace fs = std::filesystem;
using testing::TempDir;
using testing::WriteFile;

struct TarEntry {
  std::string name;
  std::string content;
  char type = '0';
  std::string link;    // symlink or hard link target
  std::string prefix;  // ustar prefix field
};

/// One 512-byte ustar header with its checksum.
std::string Header(const TarEntry& e, size_t size) {
  std::string h(512, '\0');
  std::memcpy(h.data(), e.name.data(), std::min<size_t>(e.name.size(), 100));
  std::memcpy(h.data() + 100, "0000644", 7);
  std::memcpy(h.data() + 108, "0000000", 7);
  std::memcpy(h.data() + 116, "0000000", 7);
  const std::string octal = fmt::format("{:011o}", size);
  std::memcpy(h.data() + 124, octal.data(), 11);
  std::memcpy(h.data() + 136, "00000000000", 11);
  h[156] = e.type;
  std::memcpy(h.data() + 157, e.link.data(), std::min<size_t>(e.link.size(), 100));
  std::memcpy(h.data() + 257,
              "ustar\0"
              "00",
              8);
  std::memcpy(h.data() + 345, e.prefix.data(), std::min<size_t>(e.prefix.size(), 155));
  std::memset(h.data() + 148, ' ', 8);
  unsigned sum = 0;
  for (unsigned char c : h) sum += c;
  const std::string check = fmt::format("{:06o}", sum);
  std::memcpy(h.data() + 148, check.data(), 6);
  h[154] = '\0';
  return h;
}

std::string Padded(std::string data) {
  data.resize((data.size() + 511) / 512 * 512, '\0');
  return data;
}

/// The tar stream of `entries`, with the two zero blocks at the end.
std::string Tar(const std::vector<TarEntry>& entries) {
  std::string out;
  for (const TarEntry& e : entries) out += Header(e, e.content.size()) + Padded(e.content);
  return out + std::string(1024, '\0');
}

/// Writes `tar` gzip-compressed to `path`.
void WriteTgz(const fs::path& path, const std::string& tar) {
  fs::create_directories(path.parent_path());
  gzFile file = gzopen(path.c_str(), "wb");
  REQUIRE(file != nullptr);
  size_t at = 0;
  while (at < tar.size()) {
    const unsigned chunk = static_cast<unsigned>(std::min<size_t>(tar.size() - at, 1 << 20));
    REQUIRE(gzwrite(file, tar.data() + at, chunk) == static_cast<int>(chunk));
    at += chunk;
  }
  REQUIRE(gzclose(file) == Z_OK);
}

/// A pax extended header entry setting `records` ("path=...").
TarEntry Pax(const std::string& record) {
  std::string line = " " + record + "\n";
  // The length counts its own digits.
  size_t length = line.size() + 1;
  while (std::to_string(length).size() + line.size() != length) ++length;
  return {"PaxHeader", std::to_string(length) + line, 'x'};
}

const std::vector<TarEntry> kChart = {
    {"web/Chart.yaml", "apiVersion: v2\nname: web\nversion: 1.0.0\n"},
    {"web/templates/", "", '5'},
    {"web/values.yaml", "replicas: 1\n"}};

std::string Verdict(const std::string& tar, const ArchiveLimits& limits = {}) {
  TempDir dir;
  WriteTgz(dir / "web-1.0.0.tgz", tar);
  Status ok = render::CheckChartArchive((dir / "web-1.0.0.tgz").string(), limits);
  return ok ? "ok" : ok.error().message;
}

}  // namespace

TEST_CASE("a plain chart archive passes", "[render][archive]") {
  CHECK(Verdict(Tar(kChart)) == "ok");
  // GNU long names and pax paths that stay inside pass too.
  const std::string long_name = "web/templates/" + std::string(120, 'a') + ".yaml";
  CHECK(Verdict(Tar({{"././@LongLink", long_name + '\0', 'L'}, {"web/templates/x", "a: 1\n"}})) ==
        "ok");
  CHECK(Verdict(Tar({Pax("path=" + long_name), {"web/x", "a: 1\n"}})) == "ok");
  // A writer that stops after the last entry, without the end blocks.
  const std::string tar = Tar(kChart);
  CHECK(Verdict(tar.substr(0, tar.size() - 1024)) == "ok");
}

TEST_CASE("chart archive entries that leave the chart are refused", "[render][archive]") {
  CHECK(Verdict(Tar({{"web/../../etc/cron.d/x", "* * * * * root id\n"}})) ==
        "entry 'web/../../etc/cron.d/x' leaves the chart");
  CHECK(Verdict(Tar({{"/etc/passwd", "root:x:0:0\n"}})) ==
        "entry '/etc/passwd' has an absolute name");
  // The ustar prefix, a GNU long name and a pax path are each the name that counts.
  CHECK(Verdict(Tar({{"x", "a\n", '0', "", "web/../.."}})) ==
        "entry 'web/../../x' leaves the chart");
  CHECK(Verdict(Tar({{"././@LongLink", std::string("../") + std::string(100, 'b') + '\0', 'L'},
                     {"web/harmless", "a\n"}})) ==
        fmt::format("entry '../{}' leaves the chart", std::string(100, 'b')));
  CHECK(Verdict(Tar({Pax("path=../../x"), {"web/harmless", "a\n"}})) ==
        "entry '../../x' leaves the chart");
}

TEST_CASE("chart archive links and special entries are refused", "[render][archive]") {
  CHECK(Verdict(Tar({{"web/values.yaml", "", '2', "/etc/passwd"}})) ==
        "entry 'web/values.yaml' is a symbolic link (to /etc/passwd)");
  CHECK(Verdict(Tar({{"web/values.yaml", "", '1', "/etc/shadow"}})) ==
        "entry 'web/values.yaml' is a hard link (to /etc/shadow)");
  CHECK(Verdict(Tar({{"web/dev", "", '3'}})) ==
        "entry 'web/dev' is not a file or a folder (type '3')");
}

TEST_CASE("chart archives past the limits are refused before inflating further",
          "[render][archive]") {
  ArchiveLimits limits;
  limits.max_file_bytes = 4096;
  CHECK(Verdict(Tar({{"web/big", std::string(5000, 'x')}}), limits) ==
        "entry 'web/big' is 5000 bytes, over the 4 KiB limit (chart_archives.max_file_size)");
  limits = {};
  limits.max_total_bytes = 64 * 1024;
  std::vector<TarEntry> many;
  for (int i = 0; i < 40; ++i) many.push_back({fmt::format("web/f{}", i), std::string(4000, 'y')});
  CHECK(Verdict(Tar(many), limits) == "inflates past the 64 KiB limit (chart_archives.max_size)");
  limits = {};
  limits.max_entries = 3;
  CHECK(Verdict(Tar(many), limits) == "holds more than 3 entries (chart_archives.max_entries)");
  // A header whose size claims more than the archive holds: the size limit says so first.
  CHECK(Verdict(Header({"web/huge", ""}, std::uint64_t{5} << 30)) ==
        "entry 'web/huge' is 5368709120 bytes, over the 5 MiB limit "
        "(chart_archives.max_file_size)");
  // A header that is not one (its checksum does not add up).
  CHECK(Verdict(Tar({{"web/x", "a\n"}}).replace(0, 1, "X")) ==
        "is not a tar archive (entry 1 has a bad header)");
  // A gzip bomb: 200 MiB of zeros after one valid entry compress to a few hundred KiB; the scan
  // stops at the limit (100 MiB by default) without inflating the rest.
  TempDir dir;
  gzFile file = gzopen((dir / "bomb.tgz").c_str(), "wb9");
  REQUIRE(file != nullptr);
  const TarEntry entry{"web/zeros", ""};
  const std::string header = Header(entry, std::uint64_t{4} << 20);
  gzwrite(file, header.data(), static_cast<unsigned>(header.size()));
  const std::string zeros(1 << 20, '\0');
  for (int i = 0; i < 4; ++i) gzwrite(file, zeros.data(), static_cast<unsigned>(zeros.size()));
  // Then headers of 4 MiB files (under the per-file limit) until 200 MiB.
  for (int i = 0; i < 49; ++i) {
    const std::string h = Header({fmt::format("web/z{}", i), ""}, std::uint64_t{4} << 20);
    gzwrite(file, h.data(), static_cast<unsigned>(h.size()));
    for (int j = 0; j < 4; ++j) gzwrite(file, zeros.data(), static_cast<unsigned>(zeros.size()));
  }
  REQUIRE(gzclose(file) == Z_OK);
  CHECK(fs::file_size(dir / "bomb.tgz") < 2 * 1024 * 1024);
  const Status bomb = render::CheckChartArchive((dir / "bomb.tgz").string(), ArchiveLimits{});
  REQUIRE_FALSE(bomb);
  CHECK(bomb.error().message == "inflates past the 100 MiB limit (chart_archives.max_size)");
}

TEST_CASE("not an archive: a clear reason", "[render][archive]") {
  TempDir dir;
  WriteFile(dir / "a.tgz", "this is not gzip, and not tar either, but long enough to read a bit");
  const Status ok = render::CheckChartArchive((dir / "a.tgz").string(), ArchiveLimits{});
  REQUIRE_FALSE(ok);
  CHECK(ok.error().message == "is truncated");
  const Status missing = render::CheckChartArchive((dir / "none.tgz").string(), ArchiveLimits{});
  REQUIRE_FALSE(missing);
  CHECK(missing.error().message == "cannot be opened");
}

TEST_CASE("chart_archives limits come from .syncgate.yaml", "[render][archive][config]") {
  TempDir dir;
  WriteFile(dir / ".syncgate.yaml",
            "chart_archives:\n  max_size: 10MiB\n  max_file_size: 64KiB\n  max_entries: 50\n");
  Expected<Config> config = Config::Load((dir / ".syncgate.yaml").string());
  REQUIRE(config);
  Expected<RunSettings> settings = ResolveRunSettings(*config, RunSettings{});
  REQUIRE(settings);
  CHECK(settings->archive_limits.max_total_bytes == 10u << 20);
  CHECK(settings->archive_limits.max_file_bytes == 64u << 10);
  CHECK(settings->archive_limits.max_entries == 50);
  // Without the section: helm's own bounds.
  Expected<RunSettings> defaults = ResolveRunSettings(Config{}, RunSettings{});
  REQUIRE(defaults);
  CHECK(defaults->archive_limits.max_total_bytes == 100u << 20);
  CHECK(defaults->archive_limits.max_file_bytes == 5u << 20);
  CHECK(defaults->archive_limits.max_entries == 10000);

  WriteFile(dir / ".syncgate.yaml", "chart_archives:\n  max_sise: 10MiB\n");
  config = Config::Load((dir / ".syncgate.yaml").string());
  REQUIRE(config);
  settings = ResolveRunSettings(*config, RunSettings{});
  REQUIRE_FALSE(settings);
  CHECK(settings.error().message ==
        fmt::format("{}:2:3: chart_archives: 'max_sise' is not max_size, max_file_size or "
                    "max_entries",
                    (dir / ".syncgate.yaml").string()));
  WriteFile(dir / ".syncgate.yaml", "chart_archives:\n  max_size: lots\n");
  config = Config::Load((dir / ".syncgate.yaml").string());
  REQUIRE(config);
  settings = ResolveRunSettings(*config, RunSettings{});
  REQUIRE_FALSE(settings);
  CHECK(settings.error().message.find("chart_archives.max_size must be a size such as 16MiB") !=
        std::string::npos);
}

TEST_CASE("a chart vendoring a hostile archive is not handed to helm", "[render][archive]") {
  REQUIRE_HELM(helm);
  TempDir dir;
  WriteFile(dir / "web/Chart.yaml", "apiVersion: v2\nname: web\nversion: 1.0.0\n");
  WriteFile(dir / "web/templates/cm.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\n  namespace: web\n"
            "data:\n  a: b\n");
  WriteTgz(dir / "web/charts/evil-1.0.0.tgz",
           Tar({{"evil/Chart.yaml", "apiVersion: v2\nname: evil\nversion: 1.0.0\n"},
                {"evil/templates/x.yaml", "", '2', "/etc/passwd"}}));
  const RunResult result = testing::CheckRendered({(dir / "web").string()}, helm);
  std::vector<std::string> failed;
  for (const Finding& f : result.findings) {
    if (f.rule == "helm-render-failed") failed.push_back(f.message);
  }
  REQUIRE(failed.size() == 1);
  CHECK(failed[0].find("charts/evil-1.0.0.tgz refused before helm opens it: entry "
                       "'evil/templates/x.yaml' is a symbolic link (to /etc/passwd)") !=
        std::string::npos);
  CHECK(result.summary.rendered == 0);
}

}  // namespace syncgate
