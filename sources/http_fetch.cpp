#include "sources/http_fetch.h"

#include <curl/curl.h>
#include <dlfcn.h>
#include <fmt/format.h>

#include <mutex>

namespace syncgate {
namespace {

constexpr size_t kMaxBody = 64u << 20;

size_t Append(char* data, size_t size, size_t count, void* user) {
  auto* body = static_cast<std::string*>(user);
  const size_t bytes = size * count;
  if (body->size() + bytes > kMaxBody) return 0;  // makes curl fail with a write error
  body->append(data, bytes);
  return bytes;
}

/// libcurl, opened on the first download rather than linked: a linked libcurl is loaded and
/// relocated, with the thirty-odd libraries it needs (TLS, LDAP, Kerberos...), by every run,
/// which doubled the start-up time of the commands that never download (`check --staged`).
struct CurlApi {
  decltype(&curl_global_init) global_init = nullptr;
  decltype(&curl_easy_init) easy_init = nullptr;
  decltype(&curl_easy_setopt) easy_setopt = nullptr;
  decltype(&curl_easy_perform) easy_perform = nullptr;
  decltype(&curl_easy_getinfo) easy_getinfo = nullptr;
  decltype(&curl_easy_cleanup) easy_cleanup = nullptr;
  decltype(&curl_easy_strerror) easy_strerror = nullptr;
  decltype(&curl_version) version = nullptr;
  std::string error;  // why libcurl could not be loaded; the API is unusable then
};

template <typename Function>
void Resolve(void* library, const char* name, Function& out, std::string& error) {
  out = reinterpret_cast<Function>(dlsym(library, name));
  if (!out && error.empty()) error = fmt::format("libcurl has no {}", name);
}

const CurlApi& Curl() {
  static const CurlApi api = [] {
    CurlApi loaded;
    void* library = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
    if (!library) {
      loaded.error = fmt::format("cannot load libcurl.so.4 (install libcurl4): {}", dlerror());
      return loaded;
    }
    Resolve(library, "curl_global_init", loaded.global_init, loaded.error);
    Resolve(library, "curl_easy_init", loaded.easy_init, loaded.error);
    Resolve(library, "curl_easy_setopt", loaded.easy_setopt, loaded.error);
    Resolve(library, "curl_easy_perform", loaded.easy_perform, loaded.error);
    Resolve(library, "curl_easy_getinfo", loaded.easy_getinfo, loaded.error);
    Resolve(library, "curl_easy_cleanup", loaded.easy_cleanup, loaded.error);
    Resolve(library, "curl_easy_strerror", loaded.easy_strerror, loaded.error);
    Resolve(library, "curl_version", loaded.version, loaded.error);
    if (loaded.error.empty()) loaded.global_init(CURL_GLOBAL_DEFAULT);
    return loaded;
  }();
  return api;
}

}  // namespace

Expected<std::string> HttpClientVersion() {
  const CurlApi& api = Curl();
  if (!api.error.empty()) return Unexpected(api.error);
  return std::string(api.version());
}

Expected<HttpResponse> HttpGet(const std::string& url, long timeout_seconds) {
  const CurlApi& api = Curl();
  if (!api.error.empty()) return Unexpected(fmt::format("{}: {}", url, api.error));
  CURL* curl = api.easy_init();
  if (!curl) return Unexpected(fmt::format("{}: cannot start an HTTP client", url));
  HttpResponse response;
  char error[CURL_ERROR_SIZE] = {0};
  api.easy_setopt(curl, CURLOPT_URL, url.c_str());
  api.easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1L);
  api.easy_setopt(curl, CURLOPT_MAXREDIRS, 5L);
  api.easy_setopt(curl, CURLOPT_TIMEOUT, timeout_seconds);
  api.easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, std::min(timeout_seconds, 10L));
  api.easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);  // safe from worker threads
  api.easy_setopt(curl, CURLOPT_USERAGENT, "syncgate/" SYNCGATE_VERSION);
  api.easy_setopt(curl, CURLOPT_WRITEFUNCTION, Append);
  api.easy_setopt(curl, CURLOPT_WRITEDATA, &response.body);
  api.easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
  const CURLcode code = api.easy_perform(curl);
  api.easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
  api.easy_cleanup(curl);
  if (code != CURLE_OK) {
    return Unexpected(fmt::format("{}: {}", url, error[0] ? error : api.easy_strerror(code)));
  }
  return response;
}

}  // namespace syncgate
