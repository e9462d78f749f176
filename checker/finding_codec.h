#pragma once
// Findings as bytes, for the result cache: what a file's file- and document-scope rules found,
// with the counters they added, stored between runs and read back exactly.
//
//   std::string bytes = EncodeFileResult({findings, counters});
//   std::optional<FileResult> back = DecodeFileResult(bytes);  // nothing when malformed

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "checker/finding.h"
#include "checker/redaction.h"

namespace syncgate {

struct FileResult {
  std::vector<Finding> findings;
  std::map<std::string, int, std::less<>> counters;
  /// Where the file holds the secrets the run knew when it was stored (offsets, never the
  /// secrets): a run reading the result back remembers them from the file, so that its output
  /// is scrubbed as the first run's was (checker/redaction.h).
  std::vector<SecretSpan> secrets;
};

/// Messages are stored scrubbed: a renderer's or a library's message may quote a secret.
std::string EncodeFileResult(const FileResult& result);
/// The result `bytes` encode, or nothing when they are not a whole, well-formed encoding.
std::optional<FileResult> DecodeFileResult(std::string_view bytes);

// The encoding's fields, for other cache entries (run/run_cache.cpp): a number is written as
// `<decimal>;`, a string as `<length>:<bytes>`: no escaping, any byte allowed, and a truncated
// encoding never decodes.
void PutNumber(std::string& out, long long n);
void PutText(std::string& out, std::string_view text);

class CacheReader {
 public:
  explicit CacheReader(std::string_view bytes) : rest_(bytes) {}
  bool Number(long long& n);
  bool Int(int& n);
  bool Text(std::string& text);
  bool Literal(std::string_view literal);
  bool done() const { return rest_.empty(); }

 private:
  std::string_view rest_;
};

}  // namespace syncgate
