#include "sources/http_fetch.h"

#include <curl/curl.h>
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

}  // namespace

Expected<HttpResponse> HttpGet(const std::string& url, long timeout_seconds) {
  static std::once_flag init;
  std::call_once(init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  CURL* curl = curl_easy_init();
  if (!curl) return Unexpected(fmt::format("{}: cannot start an HTTP client", url));
  HttpResponse response;
  char error[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(curl, CURLOPT_MAXREDIRS, 5L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, timeout_seconds);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, std::min(timeout_seconds, 10L));
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);  // safe from worker threads
  curl_easy_setopt(curl, CURLOPT_USERAGENT, "syncgate/" SYNCGATE_VERSION);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, Append);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response.body);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
  const CURLcode code = curl_easy_perform(curl);
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
  curl_easy_cleanup(curl);
  if (code != CURLE_OK) {
    return Unexpected(fmt::format("{}: {}", url, error[0] ? error : curl_easy_strerror(code)));
  }
  return response;
}

}  // namespace syncgate
