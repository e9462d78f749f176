#pragma once
// HTTP(S) GET with a timeout (libcurl underneath, opened on first use; only http_fetch.cpp sees
// it). Used for a URL the user gave (a --schema-location template, `syncgate schemas fetch`) and
// for the Kubernetes schema of a kind no folder has (validation/schema_store.h); never when the run
// is --offline.
//
//   Expected<HttpResponse> got = HttpGet("https://example.com/deployment-apps-v1.json", 30);
//   if (!got) Fail(got.error().message);        // DNS, TLS, timeout...
//   if (got->status == 404) NotThere();
//   else Use(got->body);

#include <string>

#include "checker/expected.h"

namespace syncgate {

struct HttpResponse {
  long status = 0;  // HTTP status code
  std::string body;
};

/// Fetches `url`, following redirects, giving up after `timeout_seconds`. Bodies over 64 MiB
/// are refused. A transport failure is an error; any HTTP status is a response.
Expected<HttpResponse> HttpGet(const std::string& url, long timeout_seconds);

/// libcurl's own version line ("libcurl/7.88.1 OpenSSL/3.0.15 ..."), loading it if needed, or
/// why it cannot be loaded (`syncgate version --verbose`).
Expected<std::string> HttpClientVersion();

}  // namespace syncgate
