#pragma once
// Durations as ArgoCD reads them, for the argocd-invalid-retry rule and the sync's retry: one
// parser, so that what the gate accepts is what ArgoCD accepts.
//
//   model::ParseGoDuration("1m30s");   // 90s (Go's time.ParseDuration)
//   model::ParseGoDuration("5");       // nullopt: Go wants a unit (only "0" goes without)
//   model::ParseArgoDuration("5");     // 5s: ArgoCD reads a bare whole number as seconds
//   model::ParseArgoDuration("2.5");   // nullopt: neither a whole number nor a Go duration
//
// Never throws: a malformed or overflowing duration is nullopt, as it is an error in Go.

#include <chrono>
#include <optional>
#include <string_view>

namespace syncgate::model {

/// Go's time.ParseDuration: an optional sign, then one or more decimal numbers (fractions
/// allowed: "1.5h", ".5s") each followed by a unit: ns, us, µs, μs, ms, s, m, h. "0" alone needs
/// no unit. Out of range of int64 nanoseconds is nullopt, as Go's "invalid duration".
std::optional<std::chrono::nanoseconds> ParseGoDuration(std::string_view text);

/// ArgoCD's reading of a duration field (syncPolicy.retry.backoff): a whole number, optionally
/// signed, is seconds (Go's strconv.Atoi first); anything else goes to ParseGoDuration.
std::optional<std::chrono::nanoseconds> ParseArgoDuration(std::string_view text);

}  // namespace syncgate::model
