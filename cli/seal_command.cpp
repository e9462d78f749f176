// `syncgate seal`: turn a plain Secret into a SealedSecret (the fix for secret-k8s-plaintext).
#include <fmt/format.h>
#include <unistd.h>

#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include "checker/document.h"
#include "cli/commands.h"
#include "model/seal_secret.h"
#include "sealing/sealed_secrets.h"

namespace syncgate::cli {
namespace {

struct SealOptions {
  std::string input = "-";
  std::string cert;
  std::string scope = "strict";
  std::string name;
  std::string ns;
  std::string merge_into;
  bool raw = false;
  bool in_place = false;
};

std::optional<std::string> ReadInput(const std::string& path) {
  std::stringstream ss;
  if (path == "-") {
    ss << std::cin.rdbuf();
    return ss.str();
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  ss << in.rdbuf();
  return ss.str();
}

/// Replaces `path` only once the whole new content is written.
bool WriteFileAtomically(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".syncgate-tmp";
  {
    std::ofstream out(tmp, std::ios::binary);
    if (!(out << text) || !out.flush()) return false;
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  return !ec;
}

int Fail(const std::string& message) {
  std::cerr << "syncgate seal: " << message << "\n";
  return kExitError;
}

int RunSeal(const SealOptions& opts) {
  const std::optional<sealing::Scope> scope = sealing::ParseScope(opts.scope);
  if (!scope)
    return Fail(fmt::format("--scope must be strict, namespace-wide or cluster-wide, not '{}'",
                            opts.scope));
  if (opts.in_place && (opts.input == "-" || !opts.merge_into.empty() || opts.raw)) {
    return Fail("--in-place needs an input file, and goes without --merge-into and --raw");
  }
  // The certificate is checked before use: kubeseal refuses an expired one, and so do we.
  sealing::Keyring keyring;
  if (Status ok = keyring.LoadCertificateFile(opts.cert); !ok) return Fail(ok.error().message);
  const sealing::CertificateInfo& cert = keyring.certificates().front();
  const int64_t now = std::time(nullptr);
  for (const std::string& problem : sealing::CertificateProblems(cert, now)) {
    std::cerr << fmt::format("syncgate seal: {}: {}\n", opts.cert, problem);
  }
  if (sealing::CertificateUnusable(cert, now))
    return Fail("refusing to seal with this certificate");

  model::SealRequest request{*scope, opts.ns, {}};
  if (opts.raw) {
    if (*scope != sealing::Scope::kClusterWide && opts.ns.empty())
      return Fail("--raw needs --namespace unless --scope cluster-wide");
    if (*scope == sealing::Scope::kStrict && opts.name.empty())
      return Fail("--raw with strict scope needs --name");
    std::optional<std::string> value = ReadInput(opts.input);
    if (!value) return Fail(fmt::format("cannot read {}", opts.input));
    const sealing::SecretBytes wiped(std::move(*value));
    Expected<std::string> sealed =
        sealing::Seal(wiped.view(), sealing::LabelFor(*scope, opts.ns, opts.name), keyring);
    if (!sealed) return Fail(sealed.error().message);
    std::cout << *sealed << "\n";
    return kExitPass;
  }

  std::optional<std::string> text = ReadInput(opts.input);
  if (!text) return Fail(fmt::format("cannot read {}", opts.input));
  const std::string display = opts.input == "-" ? "<stdin>" : opts.input;
  LoadResult loaded = LoadYaml(SourceFile::FromText(display, std::move(*text)));
  if (loaded.error) {
    return Fail(fmt::format("{}:{}:{}: {}", display, loaded.error->pos.line,
                            loaded.error->pos.column, loaded.error->message));
  }
  std::vector<const Document*> secrets;
  for (const auto& doc : loaded.documents) {
    if (!doc->root().IsNull()) secrets.push_back(doc.get());
  }
  if (secrets.empty()) return Fail(fmt::format("{}: no Secret to seal", display));

  if (!opts.merge_into.empty()) {
    if (secrets.size() != 1) return Fail("--merge-into takes exactly one Secret");
    std::optional<std::string> target_text = ReadInput(opts.merge_into);
    if (!target_text) return Fail(fmt::format("cannot read {}", opts.merge_into));
    LoadResult target = LoadYaml(SourceFile::FromText(opts.merge_into, std::move(*target_text)));
    if (target.error || target.documents.size() != 1) {
      return Fail(fmt::format("{}: expected one SealedSecret document", opts.merge_into));
    }
    Expected<std::string> merged =
        model::MergeIntoSealedSecret(*target.documents[0], *secrets[0], request, keyring);
    if (!merged) return Fail(merged.error().message);
    if (!WriteFileAtomically(opts.merge_into, *merged))
      return Fail(fmt::format("cannot write {}", opts.merge_into));
    return kExitPass;
  }

  std::string out;
  for (const Document* secret : secrets) {
    Expected<std::string> sealed = model::SealSecret(*secret, request, keyring);
    if (!sealed) return Fail(sealed.error().message);
    out += (out.empty() ? "" : "---\n") + *sealed;
  }
  if (opts.in_place) {
    if (!WriteFileAtomically(opts.input, out))
      return Fail(fmt::format("cannot write {}", opts.input));
    return kExitPass;
  }
  std::cout << out;
  return kExitPass;
}

}  // namespace

void AddSealCommand(CLI::App& app, CommandResult& result) {
  auto opts = std::make_shared<SealOptions>();
  CLI::App* cmd = app.add_subcommand(
      "seal", "Turn a plain Secret into a SealedSecret (kubeseal-compatible), or seal one value");
  cmd->add_option("input", opts->input, "The Secret file (default: stdin); with --raw, the value");
  cmd->add_option("--cert", opts->cert, "The controller's certificate (PEM; kubeseal --fetch-cert)")
      ->required();
  cmd->add_option("--scope", opts->scope, "strict (default), namespace-wide or cluster-wide");
  cmd->add_flag("--raw", opts->raw, "Seal one value read from stdin and print its base64");
  cmd->add_option("--name", opts->name, "With --raw: the Secret's name (strict scope)");
  cmd->add_option(
      "--namespace", opts->ns,
      "Namespace when the Secret names none (with --raw: required unless cluster-wide)");
  cmd->add_option("--merge-into", opts->merge_into,
                  "Add or replace the Secret's keys in this SealedSecret file");
  cmd->add_flag("--in-place", opts->in_place,
                "Replace the plain Secret file with the SealedSecret");
  cmd->callback([opts, &result] { result.exit_code = RunSeal(*opts); });
}

}  // namespace syncgate::cli
