#pragma once
// A small result type for failures of the tool or its environment (a file that cannot be read,
// a config that does not parse). Problems in the user's input become findings instead.
//
//   Expected<std::string> text = ReadFile(path);
//   if (!text) return Unexpected(text.error());
//   Use(*text);
//
// C++23's std::expected is not in GCC 12, hence this.

#include <string>
#include <utility>
#include <variant>

namespace syncgate {

/// The reason an operation failed, written for the user: what happened and what to do.
struct Error {
  std::string message;
};

/// Wraps an Error so that `return Unexpected(...)` converts to any Expected<T>.
struct Unexpected {
  explicit Unexpected(std::string message) : error{std::move(message)} {}
  explicit Unexpected(Error e) : error(std::move(e)) {}
  Error error;
};

/// Either a value or an Error.
template <typename T>
class Expected {
 public:
  Expected(T value) : state_(std::move(value)) {}         // NOLINT: implicit by design
  Expected(Unexpected u) : state_(std::move(u.error)) {}  // NOLINT: implicit by design

  bool has_value() const { return state_.index() == 0; }
  explicit operator bool() const { return has_value(); }
  T& operator*() { return std::get<0>(state_); }
  const T& operator*() const { return std::get<0>(state_); }
  T* operator->() { return &std::get<0>(state_); }
  const T* operator->() const { return &std::get<0>(state_); }
  const Error& error() const { return std::get<1>(state_); }

 private:
  std::variant<T, Error> state_;
};

/// For operations that return nothing but can fail.
struct Ok {};
using Status = Expected<Ok>;

}  // namespace syncgate
