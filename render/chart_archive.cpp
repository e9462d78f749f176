#include "render/chart_archive.h"

#include <fmt/format.h>
#include <zlib.h>

#include <algorithm>
#include <array>
#include <memory>
#include <string_view>
#include <utility>
#include <vector>

namespace syncgate::render {
namespace {

constexpr size_t kBlock = 512;

/// A header's numeric field: octal digits, or GNU base-256 (high bit set) for large values.
/// Saturates: any size that large is over every limit anyway.
std::uint64_t Number(const unsigned char* field, size_t length) {
  std::uint64_t value = 0;
  constexpr std::uint64_t kCap = std::uint64_t{1} << 60;
  if (field[0] & 0x80) {
    for (size_t i = 1; i < length; ++i) {
      value = value >= kCap ? kCap : (value << 8) | field[i];
    }
    return value;
  }
  for (size_t i = 0; i < length && field[i]; ++i) {
    if (field[i] == ' ') continue;
    if (field[i] < '0' || field[i] > '7') break;
    value = value >= kCap ? kCap : (value << 3) | static_cast<std::uint64_t>(field[i] - '0');
  }
  return value;
}

std::string Text(const unsigned char* field, size_t length) {
  size_t n = 0;
  while (n < length && field[n]) ++n;
  return std::string(reinterpret_cast<const char*>(field), n);
}

bool ChecksumMatches(const unsigned char* header) {
  std::uint64_t sum = 0;
  for (size_t i = 0; i < kBlock; ++i) sum += (i >= 148 && i < 156) ? ' ' : header[i];
  return sum == Number(header + 148, 8);
}

/// Why an entry name must not be unpacked: absolute, or a `..` segment.
std::string_view BadName(std::string_view name) {
  if (name.empty()) return "has an empty name";
  if (name.front() == '/' || name.front() == '\\') return "has an absolute name";
  size_t start = 0;
  while (start <= name.size()) {
    size_t end = name.find_first_of("/\\", start);
    if (end == std::string_view::npos) end = name.size();
    if (name.substr(start, end - start) == "..") return "leaves the chart";
    start = end + 1;
  }
  return "";
}

/// The `path` and `size` records of a pax extended header ("<len> <key>=<value>\n" each).
void ReadPax(std::string_view data, std::string& path, bool& has_size, std::uint64_t& size) {
  while (!data.empty()) {
    size_t length = 0;
    size_t i = 0;
    while (i < data.size() && data[i] >= '0' && data[i] <= '9' && length < data.size())
      length = length * 10 + static_cast<size_t>(data[i++] - '0');
    if (length == 0 || length > data.size() || i >= length) return;  // malformed: stop reading
    std::string_view record = data.substr(i + 1, length - i - 1);
    if (!record.empty() && record.back() == '\n') record.remove_suffix(1);
    if (record.starts_with("path=")) path = std::string(record.substr(5));
    if (record.starts_with("size=")) {
      std::uint64_t value = 0;
      for (char c : record.substr(5)) {
        if (c < '0' || c > '9' || value > (std::uint64_t{1} << 60)) break;
        value = value * 10 + static_cast<std::uint64_t>(c - '0');
      }
      has_size = true;
      size = value;
    }
    data.remove_prefix(length);
  }
}

std::string Size(std::uint64_t bytes) {
  if (bytes >= (1u << 20) && bytes % (1u << 20) == 0) return fmt::format("{} MiB", bytes >> 20);
  if (bytes >= (1u << 10) && bytes % (1u << 10) == 0) return fmt::format("{} KiB", bytes >> 10);
  return fmt::format("{} bytes", bytes);
}

/// Reads the archive through zlib, counting every byte inflated against the total limit.
class Inflater {
 public:
  explicit Inflater(const std::string& path, std::uint64_t limit)
      : file_(gzopen(path.c_str(), "rb"), gzclose), limit_(limit) {}
  bool open() const { return file_ != nullptr; }

  /// Reads exactly `n` bytes into `out` (or skips them when `out` is null). An error names why.
  Status Read(unsigned char* out, std::uint64_t n) {
    std::array<unsigned char, 64 * 1024> scratch{};
    while (n > 0) {
      if (total_ + n > limit_) {  // said before inflating what would pass the limit
        return Unexpected(
            fmt::format("inflates past the {} limit (chart_archives.max_size)", Size(limit_)));
      }
      const unsigned chunk = static_cast<unsigned>(std::min<std::uint64_t>(n, scratch.size()));
      const int got = gzread(file_.get(), out ? out : scratch.data(), chunk);
      if (got <= 0) {
        int code = Z_OK;
        const char* message = gzerror(file_.get(), &code);
        return Unexpected(code == Z_OK || code == Z_STREAM_END
                              ? std::string("is truncated")
                              : fmt::format("cannot be inflated: {}", message));
      }
      total_ += static_cast<std::uint64_t>(got);
      n -= static_cast<std::uint64_t>(got);
      if (out) out += got;
      if (total_ > limit_) {
        return Unexpected(
            fmt::format("inflates past the {} limit (chart_archives.max_size)", Size(limit_)));
      }
    }
    return Ok{};
  }

 private:
  std::unique_ptr<gzFile_s, int (*)(gzFile)> file_;
  std::uint64_t limit_;
  std::uint64_t total_ = 0;
};

std::uint64_t Padded(std::uint64_t size) { return (size + kBlock - 1) / kBlock * kBlock; }

}  // namespace

Status CheckChartArchive(const std::string& path, const ArchiveLimits& limits) {
  Inflater in(path, limits.max_total_bytes);
  if (!in.open()) return Unexpected(std::string("cannot be opened"));
  std::array<unsigned char, kBlock> header{};
  std::string long_name;      // from a GNU 'L' entry or a pax `path`, for the next entry
  bool has_pax_size = false;  // a pax `size` record, for the next entry
  std::uint64_t pax_size = 0;
  for (std::uint64_t entries = 1;; ++entries) {
    if (Status read = in.Read(header.data(), kBlock); !read) {
      // The end-of-archive blocks may be missing (some writers stop after the last entry).
      if (entries > 1 && read.error().message == "is truncated") return Ok{};
      return read;
    }
    if (std::all_of(header.begin(), header.end(), [](unsigned char c) { return c == 0; }))
      return Ok{};
    if (entries > limits.max_entries) {
      return Unexpected(fmt::format("holds more than {} entries (chart_archives.max_entries)",
                                    limits.max_entries));
    }
    if (!ChecksumMatches(header.data())) {
      return Unexpected(fmt::format("is not a tar archive (entry {} has a bad header)", entries));
    }
    std::string name = Text(header.data(), 100);
    if (Text(header.data() + 257, 5) == "ustar") {
      const std::string prefix = Text(header.data() + 345, 155);
      if (!prefix.empty()) name = prefix + "/" + name;
    }
    if (!long_name.empty()) name = std::exchange(long_name, "");
    const std::uint64_t size =
        std::exchange(has_pax_size, false) ? pax_size : Number(header.data() + 124, 12);
    const char type = static_cast<char>(header[156]);
    const bool metadata = type == 'L' || type == 'K' || type == 'x' || type == 'g';
    if (size > limits.max_file_bytes) {
      return Unexpected(
          fmt::format("entry '{}' is {} bytes, over the {} limit (chart_archives.max_file_size)",
                      name, size, Size(limits.max_file_bytes)));
    }
    if (metadata) {
      std::vector<unsigned char> data(Padded(size));
      if (Status read = in.Read(data.data(), data.size()); !read) return read;
      const std::string_view text(reinterpret_cast<const char*>(data.data()), size);
      if (type == 'L') long_name = std::string(text.substr(0, text.find('\0')));
      if (type == 'x') ReadPax(text, long_name, has_pax_size, pax_size);
      continue;
    }
    if (std::string_view why = BadName(name); !why.empty())
      return Unexpected(fmt::format("entry '{}' {}", name, why));
    if (type == '2') {
      return Unexpected(fmt::format("entry '{}' is a symbolic link (to {})", name,
                                    Text(header.data() + 157, 100)));
    }
    if (type == '1') {
      return Unexpected(
          fmt::format("entry '{}' is a hard link (to {})", name, Text(header.data() + 157, 100)));
    }
    if (type != '0' && type != '\0' && type != '5' && type != '7') {
      return Unexpected(fmt::format("entry '{}' is not a file or a folder (type '{}')", name,
                                    type >= ' ' && type < 127 ? std::string(1, type) : "?"));
    }
    if (Status read = in.Read(nullptr, Padded(size)); !read) return read;
  }
}

}  // namespace syncgate::render
