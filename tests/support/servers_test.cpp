// The test servers themselves, against the real clients they stand in for: the loopback HTTP
// server as a Helm repository for `helm pull` (with and without basic auth), and Debian's
// docker-registry as an OCI registry for `helm push` / `helm pull oci://`. Tests that need helm
// or docker-registry warn and return when it is absent.
#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

#include "tests/support/helm_repo.h"
#include "tests/support/loopback_http_server.h"
#include "tests/support/oci_registry.h"
#include "tests/test_util.h"

namespace syncgate::testing {
namespace {
namespace fs = std::filesystem;

std::string Log(const LoopbackHttpServer& server) {
  std::string out;
  for (const HttpRequestRecord& r : server.Requests())
    out += fmt::format("{} {} -> {}{}\n", r.method, r.path, r.status,
                       r.had_credentials ? " (credentials)" : "");
  return out;
}

}  // namespace

TEST_CASE("servers: the loopback HTTP server serves its folder and nothing else", "[servers]") {
  TempDir dir;
  const std::string index = "apiVersion: v1\nentries: {}\n";
  WriteFile(dir / "root/index.yaml", index);
  WriteFile(dir / "root/charts/web-0.1.0.tgz", std::string("\x1f\x8b\x08\0binary", 10));
  WriteFile(dir / "outside.txt", "not for the client\n");
  LoopbackHttpServer server({.root = dir / "root"});
  SKIP_UNLESS_STARTED(server.Start());
  REQUIRE(server.port() > 0);
  CHECK(server.url() == fmt::format("http://127.0.0.1:{}", server.port()));

  HttpResponse get = HttpRequest(server.port(), "GET", "/index.yaml");
  CHECK(get.status == 200);
  CHECK(get.body == index);
  CHECK(get.headers["content-length"] == std::to_string(index.size()));
  CHECK(get.headers["content-type"] == "application/x-yaml");

  HttpResponse head = HttpRequest(server.port(), "HEAD", "/index.yaml");
  CHECK(head.status == 200);
  CHECK(head.headers["content-length"] == std::to_string(index.size()));
  CHECK(head.body.empty());

  HttpResponse binary = HttpRequest(server.port(), "GET", "/charts/web-0.1.0.tgz?x=1");
  CHECK(binary.status == 200);
  CHECK(binary.body == std::string("\x1f\x8b\x08\0binary", 10));

  CHECK(HttpRequest(server.port(), "GET", "/missing.yaml").status == 404);
  CHECK(HttpRequest(server.port(), "GET", "/charts").status == 404);  // a folder is no file
  CHECK(HttpRequest(server.port(), "POST", "/index.yaml").status == 405);
  for (const char* escape : {"/../outside.txt", "/charts/../../outside.txt",
                             "/charts/%2e%2e/%2E%2E/outside.txt", "/..%2foutside.txt"}) {
    HttpResponse refused = HttpRequest(server.port(), "GET", escape);
    INFO(escape);
    CHECK(refused.status == 403);
    CHECK(refused.body.find("not for the client") == std::string::npos);
  }

  // Every request counts, whatever the answer: GET, HEAD and the refused POST.
  CHECK(server.RequestCount("/index.yaml") == 3);
  CHECK(server.RequestCount("/charts/web-0.1.0.tgz") == 1);  // the query is not the path
  CHECK(server.RequestCount("/missing.yaml") == 1);
  CHECK(server.Requests().size() == 10);

  const int port = server.port();
  server.Stop();
  CHECK_FALSE(PortAcceptsConnections(port));
  CHECK(HttpRequest(port, "GET", "/index.yaml").status == -1);
}

TEST_CASE("servers: the loopback HTTP server's basic auth", "[servers]") {
  TempDir dir;
  WriteFile(dir / "root/index.yaml", "entries: {}\n");
  LoopbackHttpServer server({.root = dir / "root", .user = "ci", .password = "s3cret"});
  SKIP_UNLESS_STARTED(server.Start());

  HttpResponse anonymous = HttpRequest(server.port(), "GET", "/index.yaml");
  CHECK(anonymous.status == 401);
  CHECK(anonymous.headers["www-authenticate"].find("Basic") == 0);
  CHECK(HttpRequest(server.port(), "GET", "/index.yaml",
                    "Authorization: Basic " + Base64("ci:wrong") + "\r\n")
            .status == 401);
  HttpResponse allowed = HttpRequest(server.port(), "GET", "/index.yaml",
                                     "Authorization: Basic " + Base64("ci:s3cret") + "\r\n");
  CHECK(allowed.status == 200);
  CHECK(allowed.body == "entries: {}\n");

  const std::vector<HttpRequestRecord> requests = server.Requests();
  REQUIRE(requests.size() == 3);
  CHECK_FALSE(requests[0].had_credentials);
  CHECK(requests[1].had_credentials);
  CHECK(requests[1].status == 401);
  CHECK(requests[2].status == 200);
  CHECK(Base64("").empty());
  CHECK(Base64("a") == "YQ==");
  CHECK(Base64("ab") == "YWI=");
  CHECK(Base64("ci:s3cret") == "Y2k6czNjcmV0");
}

TEST_CASE("servers: helm pulls a chart from the loopback Helm repository", "[servers][helm]") {
  REQUIRE_HELM(helm);
  TempDir dir;
  WriteTestChart(dir / "src/web", "web", "0.1.0");
  WriteTestChart(dir / "src/api", "api", "1.2.3");
  const fs::path home = dir / "helm-home";
  Expected<std::vector<fs::path>> packages =
      BuildHelmRepository(helm, {dir / "src/web", dir / "src/api"}, dir / "repo", home);
  INFO((packages ? "" : packages.error().message));
  REQUIRE(packages);
  REQUIRE(packages->size() == 2);
  CHECK((*packages)[0] == dir / "repo/web-0.1.0.tgz");
  const std::string index = testing::ReadText(dir / "repo/index.yaml");
  CHECK(index.find("- web-0.1.0.tgz") != std::string::npos);
  CHECK(index.find("- api-1.2.3.tgz") != std::string::npos);
  const std::string env = HelmEnv(home) + ShellQuote(helm);
  for (const char* out : {"out", "refused", "missing"}) fs::create_directories(dir / out);
  int port = 0;

  SECTION("anonymous: --repo downloads the index once and the chart once") {
    LoopbackHttpServer server({.root = dir / "repo"});
    SKIP_UNLESS_STARTED(server.Start());
    port = server.port();
    CommandOutput pull =
        RunShell(fmt::format("{} pull --repo {} web --version 0.1.0 --destination {}", env,
                             server.url(), ShellQuote((dir / "out").string())));
    INFO(pull.err << Log(server));
    REQUIRE(pull.exit_code == 0);
    CHECK(testing::ReadText(dir / "out/web-0.1.0.tgz") == testing::ReadText((*packages)[0]));
    CHECK(server.RequestCount("/index.yaml") == 1);
    CHECK(server.RequestCount("/web-0.1.0.tgz") == 1);
    CHECK(server.RequestCount("/api-1.2.3.tgz") == 0);
  }
  SECTION("basic auth: refused without credentials, served with those of `helm repo add`") {
    LoopbackHttpServer server({.root = dir / "repo", .user = "ci", .password = "s3cret"});
    SKIP_UNLESS_STARTED(server.Start());
    port = server.port();
    CommandOutput refused =
        RunShell(fmt::format("{} pull --repo {} web --version 0.1.0 --destination {}", env,
                             server.url(), ShellQuote((dir / "refused").string())));
    INFO(refused.err << Log(server));
    CHECK(refused.exit_code != 0);
    CHECK(server.Requests().at(0).status == 401);
    CHECK_FALSE(fs::exists(dir / "refused/web-0.1.0.tgz"));

    CommandOutput add = RunShell(
        fmt::format("{} repo add secured {} --username ci --password s3cret", env, server.url()));
    INFO(add.err);
    REQUIRE(add.exit_code == 0);
    CommandOutput pull =
        RunShell(fmt::format("{} pull secured/web --version 0.1.0 --destination {}", env,
                             ShellQuote((dir / "out").string())));
    INFO(pull.err << Log(server));
    REQUIRE(pull.exit_code == 0);
    CHECK(testing::ReadText(dir / "out/web-0.1.0.tgz") == testing::ReadText((*packages)[0]));
    // `repo add` fetched the index; the pull read helm's cached copy and fetched the chart.
    CHECK(server.RequestCount("/index.yaml") == 2);  // the refused pull, then `repo add`
    const std::vector<HttpRequestRecord> requests = server.Requests();
    REQUIRE_FALSE(requests.empty());
    CHECK(requests.back().path == "/web-0.1.0.tgz");
    CHECK(requests.back().status == 200);
    CHECK(requests.back().had_credentials);
  }
  // The server is gone with its scope: the port refuses connections.
  REQUIRE(port > 0);
  CHECK_FALSE(PortAcceptsConnections(port));
}

TEST_CASE("servers: helm push to the OCI registry, then pull gets the same bytes",
          "[servers][helm]") {
  REQUIRE_HELM(helm);
  TempDir dir;
  WriteTestChart(dir / "src/web", "web", "0.1.0");
  const fs::path home = dir / "helm-home";
  Expected<std::vector<fs::path>> packages =
      BuildHelmRepository(helm, {dir / "src/web"}, dir / "repo", home);
  INFO((packages ? "" : packages.error().message));
  REQUIRE(packages);
  const std::string env = HelmEnv(home) + ShellQuote(helm);
  for (const char* out : {"out", "missing"}) fs::create_directories(dir / out);
  int port = 0;
  {
    OciRegistry registry;
    SKIP_UNLESS_STARTED(registry.Start());
    port = registry.port();
    REQUIRE(HttpRequest(port, "GET", "/v2/").status == 200);
    CommandOutput push =
        RunShell(fmt::format("{} push {} {} --plain-http", env, ShellQuote((*packages)[0].string()),
                             registry.OciUrl("charts")));
    INFO(push.err << push.out << registry.Log());
    REQUIRE(push.exit_code == 0);
    CHECK(push.err.find("Digest: sha256:") != std::string::npos);
    CommandOutput pull =
        RunShell(fmt::format("{} pull {} --version 0.1.0 --plain-http --destination {}", env,
                             registry.OciUrl("charts/web"), ShellQuote((dir / "out").string())));
    INFO(pull.err << pull.out << registry.Log());
    REQUIRE(pull.exit_code == 0);
    CHECK(testing::ReadText(dir / "out/web-0.1.0.tgz") == testing::ReadText((*packages)[0]));
    // A version that was never pushed is not there.
    CommandOutput missing = RunShell(
        fmt::format("{} pull {} --version 9.9.9 --plain-http --destination {}", env,
                    registry.OciUrl("charts/web"), ShellQuote((dir / "missing").string())));
    CHECK(missing.exit_code != 0);
  }
  REQUIRE(port > 0);
  CHECK_FALSE(PortAcceptsConnections(port));
}

TEST_CASE("servers: a missing docker-registry is unavailable, not a failure", "[servers]") {
  OciRegistry registry({.binary = "/nonexistent/docker-registry"});
  const ServerStatus status = registry.Start();
  CHECK(status.unavailable());
  CHECK(status.reason.find("docker-registry not found") != std::string::npos);
}

}  // namespace syncgate::testing
