#pragma once
// Baselines: accept today's findings, fail only on new ones.
//
//   syncgate check --write-baseline .syncgate-baseline.json repo/   # record what is there now
//   syncgate check --baseline .syncgate-baseline.json repo/         # report only new findings
//
//   Expected<Baseline> baseline = Baseline::Load(path);
//   if (!baseline) Fail(baseline.error().message);
//   int hidden = baseline->Filter(result);
//
// An entry is a finding's fingerprint: rule, file, object, pointer and, for secrets, a one-way
// digest of the secret (SecretDigest), never a line number. Edits elsewhere in the file do not
// bring old findings back; a changed secret is a new finding. The file never holds a secret.

#include <set>
#include <string>
#include <vector>

#include "checker/config.h"
#include "checker/engine.h"
#include "checker/expected.h"

namespace syncgate {

class Baseline {
 public:
  /// A baseline holding every finding of `result`.
  static Baseline FromResult(const RunResult& result);
  /// Reads a baseline file; errors name the file and what is wrong with it.
  static Expected<Baseline> Load(const std::string& path);
  /// Writes the baseline as JSON (sorted, so the file diffs well).
  Status Write(const std::string& path) const;
  /// Removes the findings the baseline holds from `result` and recounts its summary; returns
  /// how many were removed.
  int Filter(RunResult& result) const;
  size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    std::string fingerprint;
    std::string rule;
    std::string file;
    std::string pointer;
    bool operator<(const Entry& other) const;
  };
  std::vector<Entry> entries_;
  std::set<std::string, std::less<>> fingerprints_;
};

/// The `secrets.allowlist.fingerprints` of `.syncgate.yaml` (finding fingerprints from the JSON
/// report that a reviewer judged not secret).
std::vector<std::string> AllowlistedFingerprints(const Config& config);
/// Removes findings whose fingerprint is in `fingerprints`, recounting the summary; returns how
/// many were removed.
int FilterFingerprints(RunResult& result, const std::vector<std::string>& fingerprints);

}  // namespace syncgate
