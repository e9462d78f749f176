#include "tests/support/loopback_http_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <sstream>

#include "checker/text_util.h"

namespace syncgate::testing {
namespace fs = std::filesystem;

namespace {

constexpr size_t kMaxHeaderBytes = 64 * 1024;
constexpr int kReadTimeoutMs = 5000;  // a client that sends nothing does not hold the server

std::string ReasonPhrase(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 431:
      return "Request Header Fields Too Large";
    default:
      return "Error";
  }
}

std::string ContentType(const fs::path& file) {
  const std::string ext = file.extension().string();
  if (ext == ".yaml" || ext == ".yml") return "application/x-yaml";
  if (ext == ".json") return "application/json";
  if (ext == ".tgz" || ext == ".gz") return "application/gzip";
  if (ext == ".txt" || ext == ".prov") return "text/plain";
  return "application/octet-stream";
}

/// Writes all of `data`; false when the peer went away (MSG_NOSIGNAL: no SIGPIPE).
bool SendAll(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/// `%2e%2E` → `..`; false on a broken escape or a NUL byte.
bool PercentDecode(std::string_view in, std::string& out) {
  out.clear();
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '%') {
      out.push_back(in[i]);
      continue;
    }
    const int hi = i + 1 < in.size() ? HexValue(in[i + 1]) : -1;
    const int lo = i + 2 < in.size() ? HexValue(in[i + 2]) : -1;
    if (hi < 0 || lo < 0) return false;
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return out.find('\0') == std::string::npos;
}

bool Within(const fs::path& path, const fs::path& root) {
  auto p = path.begin();
  for (auto r = root.begin(); r != root.end(); ++r, ++p) {
    if (p == path.end() || *p != *r) return false;
  }
  return true;
}

struct Answer {
  int status = 200;
  std::string body;
  std::string extra_headers;
  std::string content_type = "text/plain";
};

}  // namespace

std::string Base64(std::string_view text) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < text.size(); i += 3) {
    const unsigned v = (static_cast<unsigned char>(text[i]) << 16) |
                       (static_cast<unsigned char>(text[i + 1]) << 8) |
                       static_cast<unsigned char>(text[i + 2]);
    out += {kAlphabet[(v >> 18) & 63], kAlphabet[(v >> 12) & 63], kAlphabet[(v >> 6) & 63],
            kAlphabet[v & 63]};
  }
  if (i + 1 == text.size()) {
    const unsigned v = static_cast<unsigned char>(text[i]) << 16;
    out += {kAlphabet[(v >> 18) & 63], kAlphabet[(v >> 12) & 63], '=', '='};
  } else if (i + 2 == text.size()) {
    const unsigned v = (static_cast<unsigned char>(text[i]) << 16) |
                       (static_cast<unsigned char>(text[i + 1]) << 8);
    out += {kAlphabet[(v >> 18) & 63], kAlphabet[(v >> 12) & 63], kAlphabet[(v >> 6) & 63], '='};
  }
  return out;
}

LoopbackHttpServer::LoopbackHttpServer(HttpServerOptions options) : options_(std::move(options)) {}

LoopbackHttpServer::~LoopbackHttpServer() { Stop(); }

std::string LoopbackHttpServer::url() const { return "http://127.0.0.1:" + std::to_string(port_); }

ServerStatus LoopbackHttpServer::Start() {
  if (thread_.joinable()) return ServerStatus::Failed("the server is already running");
  std::error_code ec;
  canonical_root_ = fs::canonical(options_.root, ec);
  if (ec || !fs::is_directory(canonical_root_, ec)) {
    return ServerStatus::Failed("http server: " + options_.root.string() + " is not a folder");
  }
  if (!options_.user.empty() || !options_.password.empty())
    expected_authorization_ = "Basic " + Base64(options_.user + ":" + options_.password);

  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0) return ServerStatus::Failed(std::string("socket: ") + std::strerror(errno));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;  // the kernel picks a free port; read back below
  socklen_t len = sizeof(addr);
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      ::listen(listen_fd_, 64) != 0 ||
      ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    const std::string why = std::strerror(errno);
    ::close(listen_fd_);
    listen_fd_ = -1;
    return ServerStatus::Failed("http server: cannot listen on 127.0.0.1: " + why);
  }
  port_ = ntohs(addr.sin_port);
  if (::pipe2(stop_pipe_, O_CLOEXEC) != 0) {
    ::close(listen_fd_);
    listen_fd_ = -1;
    return ServerStatus::Failed(std::string("pipe: ") + std::strerror(errno));
  }
  thread_ = std::thread([this] { Serve(); });
  return ServerStatus::Ok();
}

void LoopbackHttpServer::Stop() {
  if (thread_.joinable()) {
    const char byte = 'x';
    while (::write(stop_pipe_[1], &byte, 1) < 0 && errno == EINTR) {
    }
    thread_.join();
  }
  for (int* fd : {&listen_fd_, &stop_pipe_[0], &stop_pipe_[1]}) {
    if (*fd >= 0) ::close(*fd);
    *fd = -1;
  }
}

int LoopbackHttpServer::RequestCount(const std::string& path) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = counts_.find(path);
  return it == counts_.end() ? 0 : it->second;
}

std::vector<HttpRequestRecord> LoopbackHttpServer::Requests() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return requests_;
}

void LoopbackHttpServer::Serve() {
  for (;;) {
    pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {stop_pipe_[0], POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if (fds[1].revents != 0) return;
    if ((fds[0].revents & POLLIN) == 0) continue;
    const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    HandleConnection(fd);
    ::close(fd);
  }
}

void LoopbackHttpServer::HandleConnection(int fd) {
  // Read the request head (GET and HEAD carry no body).
  std::string head;
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(kReadTimeoutMs);
  size_t end = std::string::npos;
  while ((end = head.find("\r\n\r\n")) == std::string::npos) {
    if (head.size() > kMaxHeaderBytes) break;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                          deadline - std::chrono::steady_clock::now())
                          .count();
    if (left <= 0) return;
    pollfd fds[2] = {{fd, POLLIN, 0}, {stop_pipe_[0], POLLIN, 0}};
    if (::poll(fds, 2, static_cast<int>(left)) <= 0) return;
    if (fds[1].revents != 0) return;
    char buf[4096];
    const ssize_t n = ::recv(fd, buf, sizeof(buf), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    head.append(buf, static_cast<size_t>(n));
  }

  HttpRequestRecord record;
  Answer answer;
  const bool too_large = end == std::string::npos;
  std::vector<std::string_view> lines = Split(std::string_view(head).substr(0, end), '\n');
  std::string_view request_line = lines.empty() ? "" : Trim(lines[0]);
  std::string target;
  bool authorized = expected_authorization_.empty();
  for (size_t i = 1; i < lines.size(); ++i) {
    const std::string_view line = Trim(lines[i]);
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    if (ToLower(Trim(line.substr(0, colon))) != "authorization") continue;
    record.had_credentials = true;
    authorized = authorized || Trim(line.substr(colon + 1)) == expected_authorization_;
  }
  {
    const size_t sp1 = request_line.find(' ');
    const size_t sp2 = sp1 == std::string_view::npos ? sp1 : request_line.find(' ', sp1 + 1);
    if (sp2 != std::string_view::npos) {
      record.method = std::string(request_line.substr(0, sp1));
      target = std::string(request_line.substr(sp1 + 1, sp2 - sp1 - 1));
    }
  }
  const std::string raw_path = target.substr(0, target.find_first_of("?#"));
  const bool decoded = PercentDecode(raw_path, record.path);
  if (!decoded) record.path = raw_path;

  auto fail = [&](int status, std::string body) {
    answer.status = status;
    answer.body = std::move(body) + "\n";
  };
  if (too_large) {
    fail(431, "request head too large");
  } else if (record.method.empty() || !StartsWith(target, "/")) {
    fail(400, "malformed request line");
  } else if (!decoded) {
    fail(400, "malformed percent escape in the path");
  } else if (record.method != "GET" && record.method != "HEAD") {
    fail(405, "only GET and HEAD");
    answer.extra_headers = "Allow: GET, HEAD\r\n";
  } else if (!authorized) {
    fail(401, "credentials required");
    answer.extra_headers = "WWW-Authenticate: Basic realm=\"syncgate-test\"\r\n";
  } else {
    // Any `..` segment is refused outright, and whatever resolves outside the root too (a
    // symlink): the server only ever hands out files below its folder.
    bool dotdot = false;
    for (std::string_view segment : Split(record.path, '/')) dotdot |= segment == "..";
    std::error_code ec;
    const fs::path file =
        fs::weakly_canonical(canonical_root_ / fs::path(record.path).relative_path(), ec);
    if (dotdot || ec || !Within(file, canonical_root_)) {
      fail(403, "the path leaves the served folder");
    } else if (!fs::is_regular_file(file, ec)) {
      fail(404, "not found");
    } else {
      std::ifstream in(file, std::ios::binary);
      std::stringstream ss;
      ss << in.rdbuf();
      if (!in) {
        fail(403, "cannot read the file");
      } else {
        answer.body = ss.str();
        answer.content_type = ContentType(file);
      }
    }
  }
  record.status = answer.status;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!record.path.empty()) ++counts_[record.path];
    requests_.push_back(record);
  }
  std::string response = "HTTP/1.1 " + std::to_string(answer.status) + " " +
                         ReasonPhrase(answer.status) + "\r\nContent-Type: " + answer.content_type +
                         "\r\nContent-Length: " + std::to_string(answer.body.size()) +
                         "\r\nConnection: close\r\n" + answer.extra_headers + "\r\n";
  if (record.method != "HEAD") response += answer.body;
  SendAll(fd, response);
}

HttpResponse HttpRequest(int port, const std::string& method, const std::string& target,
                         const std::string& extra_headers) {
  HttpResponse out;
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    out.error = std::string("socket: ") + std::strerror(errno);
    return out;
  }
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    out.error = std::string("connect: ") + std::strerror(errno);
    ::close(fd);
    return out;
  }
  const std::string request = method + " " + target +
                              " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
                              "\r\nConnection: close\r\n" + extra_headers + "\r\n";
  std::string raw;
  if (SendAll(fd, request)) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    for (;;) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                            deadline - std::chrono::steady_clock::now())
                            .count();
      pollfd pfd{fd, POLLIN, 0};
      if (left <= 0 || ::poll(&pfd, 1, static_cast<int>(left)) <= 0) break;
      char buf[8192];
      const ssize_t n = ::recv(fd, buf, sizeof(buf), 0);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      raw.append(buf, static_cast<size_t>(n));
    }
  }
  ::close(fd);
  const size_t end = raw.find("\r\n\r\n");
  if (end == std::string::npos) {
    out.error = "no complete response";
    return out;
  }
  std::vector<std::string_view> lines = Split(std::string_view(raw).substr(0, end), '\n');
  const std::string_view status_line = Trim(lines[0]);
  const size_t sp = status_line.find(' ');
  if (sp == std::string_view::npos) {
    out.error = "malformed status line";
    return out;
  }
  out.status = std::atoi(std::string(status_line.substr(sp + 1, 3)).c_str());
  for (size_t i = 1; i < lines.size(); ++i) {
    const size_t colon = lines[i].find(':');
    if (colon == std::string_view::npos) continue;
    out.headers[ToLower(Trim(lines[i].substr(0, colon)))] =
        std::string(Trim(lines[i].substr(colon + 1)));
  }
  out.body = raw.substr(end + 4);
  return out;
}

bool PortAcceptsConnections(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  const bool connected = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  ::close(fd);
  return connected;
}

}  // namespace syncgate::testing
