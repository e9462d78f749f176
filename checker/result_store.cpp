#include "checker/result_store.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

#include "checker/finding.h"
#include "checker/text_util.h"

namespace syncgate {
namespace fs = std::filesystem;

namespace {

/// The first line of every entry: the format, then the SHA-256 of the payload that follows.
constexpr std::string_view kMagic = "syncgate-store-1 ";
constexpr size_t kDigestLength = 64;

}  // namespace

ResultStore::ResultStore(std::string folder, std::string suffix, std::uintmax_t max_bytes)
    : folder_(std::move(folder)), suffix_(std::move(suffix)), max_bytes_(max_bytes) {}

std::string ResultStore::PathOf(std::string_view key) const {
  // Two-character fan-out keeps folders small on big monorepos.
  const std::string name(key);
  return fmt::format("{}/{}/{}{}", folder_, name.substr(0, 2), name, suffix_);
}

std::optional<std::string> ResultStore::Get(std::string_view key) const {
  if (!enabled() || key.size() < 3) return std::nullopt;
  const std::string path = PathOf(key);
  std::optional<std::string> text = ReadFileBytes(path);
  if (!text) return std::nullopt;
  const size_t header = kMagic.size() + kDigestLength + 1;
  const bool whole = text->size() >= header && std::string_view(*text).starts_with(kMagic) &&
                     (*text)[header - 1] == '\n' &&
                     Sha256Hex(std::string_view(*text).substr(header)) ==
                         std::string_view(*text).substr(kMagic.size(), kDigestLength);
  if (!whole) {
    // Torn or edited: never trusted, and removed so that the next run writes it anew.
    std::error_code ec;
    fs::remove(path, ec);
    return std::nullopt;
  }
  utimensat(AT_FDCWD, path.c_str(), nullptr, 0);  // recently used: pruned last
  return text->substr(header);
}

void ResultStore::Put(std::string_view key, std::string_view payload) const {
  if (!enabled() || key.size() < 3) return;
  static std::atomic<unsigned> counter{0};
  const std::string path = PathOf(key);
  std::error_code ec;
  fs::create_directories(fs::path(path).parent_path(), ec);
  // A name no other thread or process uses: the rename below is the only shared step.
  const std::string tmp = fmt::format("{}.{}.{}.tmp", path, getpid(), counter++);
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << kMagic << Sha256Hex(payload) << '\n' << payload;
    if (!out.flush()) {
      out.close();
      fs::remove(tmp, ec);
      return;
    }
  }
  fs::rename(tmp, path, ec);
  if (ec) fs::remove(tmp, ec);
}

int ResultStore::Prune() const {
  if (!enabled()) return 0;
  // A walk of a big cache costs more than a small run: at most one walk per store every ten
  // minutes (a stamp file's time says when the last one started), so the bound is kept within
  // what ten minutes of runs add.
  const fs::path stamp = fs::path(folder_) / ("last-prune" + suffix_ + ".stamp");
  std::error_code stamp_ec;
  const auto last = fs::last_write_time(stamp, stamp_ec);
  if (!stamp_ec && fs::file_time_type::clock::now() - last < std::chrono::minutes(10)) return 0;
  fs::create_directories(folder_, stamp_ec);
  std::ofstream(stamp, std::ios::trunc) << "";
  struct Entry {
    fs::path path;
    std::uintmax_t size;
    fs::file_time_type used;
  };
  std::vector<Entry> entries;
  std::uintmax_t total = 0;
  int removed = 0;
  const auto stale_tmp = fs::file_time_type::clock::now() - std::chrono::hours(1);
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(folder_, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    std::error_code entry_ec;
    if (!it->is_regular_file(entry_ec)) continue;
    const fs::path& path = it->path();
    const std::string name = path.filename().string();
    const fs::file_time_type used = it->last_write_time(entry_ec);
    if (name.ends_with(".tmp")) {
      if (!entry_ec && used < stale_tmp && fs::remove(path, entry_ec)) ++removed;
      continue;
    }
    if (!name.ends_with(suffix_)) continue;  // another store's entries share the folder
    const std::uintmax_t size = it->file_size(entry_ec);
    if (entry_ec) continue;
    entries.push_back({path, size, used});
    total += size;
  }
  if (total <= max_bytes_) return removed;
  std::sort(entries.begin(), entries.end(),
            [](const Entry& a, const Entry& b) { return a.used < b.used; });
  const std::uintmax_t target = max_bytes_ / 5 * 4;
  for (const Entry& entry : entries) {
    if (total <= target) break;
    std::error_code remove_ec;
    if (fs::remove(entry.path, remove_ec)) {
      total -= entry.size;
      ++removed;
    }
  }
  return removed;
}

}  // namespace syncgate
