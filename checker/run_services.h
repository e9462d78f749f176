#pragma once
// What rules share for the length of one run: a schema store, the sealing keyring, the secret
// scanner's per-file hits. Each service is made on first request and dies with the run, so two
// runs in one process (tests, the sync's gate per Application) never see each other's state.
//
//   Status Setup(const RunScope& run) override {
//     store_ = run.services.Get<SchemaStore>("schema-store", [&] { return MakeStore(run); });
//     return Ok{};
//   }

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <typeindex>
#include <utility>

namespace syncgate {

class Config;
struct RunSettings;

class RunServices {
 public:
  /// The service of type T under `key`, made by `make()` (returning std::shared_ptr<T>) the
  /// first time it is asked for. Thread-safe; `make` runs at most once per key and type.
  template <typename T, typename Make>
  std::shared_ptr<T> Get(std::string_view key, Make&& make) {
    std::lock_guard<std::recursive_mutex> lock(mutex_);
    auto [it, inserted] = services_.try_emplace({std::type_index(typeid(T)), std::string(key)});
    if (inserted) it->second = std::shared_ptr<T>(make());
    return std::static_pointer_cast<T>(it->second);
  }

 private:
  // Recursive: a service's maker may ask for another service (validation → schema store).
  std::recursive_mutex mutex_;
  std::map<std::pair<std::type_index, std::string>, std::shared_ptr<void>> services_;
};

/// What Rule::Setup sees of the run: its configuration, its resolved settings, and the services
/// its rules share.
struct RunScope {
  const Config& config;
  const RunSettings& settings;
  RunServices& services;
};

}  // namespace syncgate
