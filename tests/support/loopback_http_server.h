#pragma once
// A static-file HTTP/1.1 server for tests: one folder served on 127.0.0.1 (never another
// interface) on an ephemeral port, GET and HEAD only, optionally behind basic auth, counting the
// requests per path so that a test can tell a download from a cache hit. One thread accepts and
// answers connections in turn (each response closes its connection); the destructor stops and
// joins it, so a test always stops what it starts.
//
//   LoopbackHttpServer server({.root = repo_dir, .user = "ci", .password = "s3cret"});
//   SKIP_UNLESS_STARTED(server.Start());
//   RunShell(helm + " pull --repo " + server.url() + " web --version 0.1.0 ...");
//   CHECK(server.RequestCount("/index.yaml") == 1);   // then helm's cache answers
//
// HttpRequest() is the matching raw client: it sends exactly the target it is given (clients
// such as curl remove `..` before sending, which is what a test of the refusal must not do).

#include <filesystem>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "tests/support/server_status.h"

namespace syncgate::testing {

struct HttpServerOptions {
  std::filesystem::path root;  // the folder served; a request names a file below it
  /// Both set: every request needs `Authorization: Basic base64(user:password)` (else 401).
  std::string user;
  std::string password;
};

/// One request as the server saw it.
struct HttpRequestRecord {
  std::string method;
  std::string path;              // decoded, without the query: "/index.yaml"
  int status = 0;                // what the server answered
  bool had_credentials = false;  // an Authorization header was sent (right or wrong)
};

class LoopbackHttpServer {
 public:
  explicit LoopbackHttpServer(HttpServerOptions options);
  ~LoopbackHttpServer();  // Stop()
  LoopbackHttpServer(const LoopbackHttpServer&) = delete;
  LoopbackHttpServer& operator=(const LoopbackHttpServer&) = delete;

  /// Binds 127.0.0.1:0, reads the port back and starts serving. Fails when the root is not a
  /// folder or no socket can be had; never unavailable (it needs nothing installed).
  ServerStatus Start();
  /// Stops accepting, finishes the current connection, joins the thread and closes the socket:
  /// the port refuses connections afterwards. Idempotent.
  void Stop();

  int port() const { return port_; }
  /// "http://127.0.0.1:<port>"
  std::string url() const;

  /// Requests seen for `path` ("/index.yaml"), whatever was answered.
  int RequestCount(const std::string& path) const;
  /// Every request seen, in order.
  std::vector<HttpRequestRecord> Requests() const;

 private:
  void Serve();
  void HandleConnection(int fd);

  HttpServerOptions options_;
  std::filesystem::path canonical_root_;
  std::string expected_authorization_;  // "Basic dXNlcjpwYXNz", empty without auth
  int listen_fd_ = -1;
  int stop_pipe_[2] = {-1, -1};  // written once by Stop(): wakes the serving thread
  int port_ = 0;
  std::thread thread_;
  mutable std::mutex mutex_;
  std::map<std::string, int> counts_;
  std::vector<HttpRequestRecord> requests_;
};

/// A response as HttpRequest() read it; status -1 when no connection could be made.
struct HttpResponse {
  int status = -1;
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;
  std::string error;  // why status is -1
};

/// Sends `method target HTTP/1.1` with `extra_headers` ("Name: value\r\n" lines) to
/// 127.0.0.1:`port` and reads the whole response (the connection closes after it). Bounded: 10
/// seconds.
HttpResponse HttpRequest(int port, const std::string& method, const std::string& target,
                         const std::string& extra_headers = "");

/// True when something accepts TCP connections on 127.0.0.1:`port`.
bool PortAcceptsConnections(int port);

/// `text` in base64 (RFC 4648, with padding): for Authorization headers.
std::string Base64(std::string_view text);

}  // namespace syncgate::testing
