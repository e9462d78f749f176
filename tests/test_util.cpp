#include "tests/test_util.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>

#include "render/helm_renderer.h"
#include "render/kustomize_renderer.h"

namespace syncgate::testing {
namespace fs = std::filesystem;

fs::path SourceDir() { return fs::path(SYNCGATE_SOURCE_DIR); }

fs::path SharedData() {
  const fs::path data = SourceDir() / ".." / "shared" / "data";
  std::error_code ec;
  return fs::is_directory(data, ec) ? data.lexically_normal() : fs::path();
}

RunResult CheckWith(RunRequest request, const std::vector<std::string>& paths) {
  if (request.config_path.empty() && !paths.empty()) request.config_search_start = paths.front();
  if (!request.settings.require_render) request.settings.require_render = false;
  // Kubernetes schemas only where the test puts them: never the machine's installed folder, its
  // user cache or a download, which would change what the fixtures find.
  if (!request.settings.schema_folders) request.settings.schema_folders.emplace();
  if (!request.settings.schema_download) request.settings.schema_download = "";
  Expected<std::unique_ptr<CheckRun>> run = CheckRun::Create(std::move(request));
  if (!run) throw std::runtime_error("configuration: " + run.error().message);
  return (*run)->Run((*run)->Discover(paths));
}

RunResult Check(const std::vector<std::string>& paths, const std::string& config_path, int jobs) {
  RunRequest request;
  request.config_path = config_path;
  request.jobs = jobs;
  request.render = false;
  return CheckWith(std::move(request), paths);
}

std::string TestHelm() {
  const fs::path local = SourceDir() / ".tools" / "bin" / "helm";
  if (fs::exists(local)) return local.string();
  return render::FindHelm("");
}

std::string TestKustomize() {
  const fs::path local = SourceDir() / ".tools" / "bin" / "kubectl";
  if (fs::exists(local)) return local.string();
  return render::FindKustomize("");
}

RunResult CheckRendered(const std::vector<std::string>& paths, const std::string& helm) {
  RunRequest request;
  request.jobs = 1;
  request.settings.helm_binary = helm.empty() ? TestHelm() : helm;
  request.settings.kustomize_binary = TestKustomize();
  request.settings.render_cache = false;
  return CheckWith(std::move(request), paths);
}

void WriteFile(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary);
  out << text;
}

TempDir::TempDir() {
  std::random_device rd;
  path_ = fs::temp_directory_path() /
          ("syncgate-test-" + std::to_string(rd()) + std::to_string(getpid()));
  fs::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  // Make everything writable again first (tests chmod files to make them unreadable).
  for (auto it = fs::recursive_directory_iterator(path_, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    fs::permissions(it->path(), fs::perms::owner_all, fs::perm_options::add, ec);
  }
  fs::remove_all(path_, ec);
}

std::string ReadText(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

CommandOutput RunShell(const std::string& command, const std::string& stdin_text,
                       const std::string& cwd) {
  TempDir io;
  WriteFile(io / "in", stdin_text);
  std::string line = command + " <" + (io / "in").string() + " >" + (io / "out").string() + " 2>" +
                     (io / "err").string();
  if (!cwd.empty()) line = "cd '" + cwd + "' && " + line;
  const int status = std::system(line.c_str());
  CommandOutput result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  result.out = ReadText(io / "out");
  result.err = ReadText(io / "err");
  return result;
}

CommandOutput RunSyncgate(const std::string& args, const std::string& stdin_text,
                          const std::string& cwd) {
  return RunShell(std::string("'") + SYNCGATE_BINARY + "' " + args, stdin_text, cwd);
}

}  // namespace syncgate::testing
