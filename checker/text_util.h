#pragma once
// Small string helpers shared by the checker, rules and reporters.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace syncgate {

/// Levenshtein distance (for "did you mean" hints).
size_t EditDistance(std::string_view a, std::string_view b);
/// " (did you mean 'x'?)" for the closest candidate within a small distance, else "".
std::string DidYouMean(std::string_view word, const std::vector<std::string_view>& candidates);
/// Case-insensitive ASCII equality.
bool EqualsIgnoreCase(std::string_view a, std::string_view b);
/// Lower-cases ASCII letters.
std::string ToLower(std::string_view text);
bool StartsWith(std::string_view text, std::string_view prefix);
bool EndsWith(std::string_view text, std::string_view suffix);
std::string_view Trim(std::string_view text);
/// Splits on `sep`, keeping empty parts.
std::vector<std::string_view> Split(std::string_view text, char sep);

/// A size as the configuration writes it: digits, then nothing or B, K/KB/KiB, M/MB/MiB or
/// G/GB/GiB (all powers of 1024). Nothing when malformed or beyond 64 bits.
std::optional<std::uintmax_t> ParseByteSize(std::string_view text);

/// The bytes of the file at `path`, or nothing when it cannot be opened or read.
std::optional<std::string> ReadFileBytes(const std::string& path);

/// A path as display paths are written: lexically normal, with forward slashes, without leading
/// "./" and trailing slashes ("a/./b/" -> "a/b"; "." stays "."; "" stays "").
std::string NormalizedPath(std::string_view path);
/// The path with symbolic links resolved as far as it exists (the key two spellings of one
/// folder share); lexically normal when it cannot be resolved.
std::string CanonicalPath(std::string_view path);

}  // namespace syncgate
