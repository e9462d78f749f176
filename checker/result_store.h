#pragma once
// A content-addressed store of computed results between runs: renders (render/) and rule
// findings (checker/engine.cpp). The key is a digest of everything that can change the value;
// the store only keeps bytes.
//
//   ResultStore store(settings.result_cache_dir, ".findings", settings.result_cache_max_bytes);
//   if (std::optional<std::string> hit = store.Get(key)) return Decode(*hit);
//   store.Put(key, Encode(value));
//   store.Prune();  // once per run: least recently used entries go above the bound
//
// Safe for several threads and several processes on one folder: an entry is written to a
// private temporary file and renamed into place, so a reader sees a whole entry or none. Every
// entry carries a digest of its payload: a torn, truncated or edited entry is a miss (and is
// removed), never a wrong result. A store without a folder (no cache) misses every time.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace syncgate {

class ResultStore {
 public:
  /// `folder` empty: no cache. `suffix` names the kind of entry (".render", ".findings");
  /// `max_bytes` bounds the entries of that kind in the folder.
  ResultStore(std::string folder, std::string suffix, std::uintmax_t max_bytes);

  bool enabled() const { return !folder_.empty(); }
  const std::string& folder() const { return folder_; }

  /// The payload stored under `key`, or nothing (absent, unreadable or corrupt). A hit marks the
  /// entry as recently used.
  std::optional<std::string> Get(std::string_view key) const;
  /// Stores `payload` under `key`. A store that cannot be written is only slower: errors are
  /// ignored.
  void Put(std::string_view key, std::string_view payload) const;
  /// Removes the least recently used entries until the folder's entries fit in the bound (with
  /// room to grow: down to 80% of it), and temporary files older than an hour (left by killed
  /// runs); at most once every ten minutes. Returns the number of entries removed.
  int Prune() const;

 private:
  std::string PathOf(std::string_view key) const;

  std::string folder_;
  std::string suffix_;
  std::uintmax_t max_bytes_;
};

}  // namespace syncgate
