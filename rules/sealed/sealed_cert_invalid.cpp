// sealed-cert-invalid: a controller certificate that cannot (or soon cannot) be sealed with.
#include <fmt/format.h>

#include <ctime>
#include <filesystem>

#include "checker/rule.h"
#include "checker/workspace.h"
#include "model/sealed_secret.h"
#include "rules/sealed/sealed_value_rule.h"

namespace syncgate::rules {
namespace {

constexpr RuleMeta kMeta{
    "sealed-cert-invalid",
    "A Sealed Secrets certificate that is expired, expiring, not RSA or under 2048 bits",
    "kubeseal refuses an expired certificate, so whoever rotates a secret next is blocked; a "
    "certificate expiring within 30 days will be soon; one that is not RSA or is under 2048 bits "
    "was not issued by the controller or is too weak to protect what it seals.",
    "Fetch the controller's current certificate (`kubeseal --fetch-cert > controller.crt`) and "
    "commit it; the controller keeps its old keys, so values sealed before still unseal.",
    Severity::kError,
    DocKind::kNone,
    RuleScope::kWorkspace};

class SealedCertInvalid final : public SealingRule {
 public:
  const RuleMeta& meta() const override { return kMeta; }

  /// The certificate file itself is in the checked set: report on it, one finding per problem.
  void CheckFile(const FileUnit& file, RuleContext& ctx) const override {
    for (const auto& source : setup().cert_sources()) {
      if (!SameFile(source.resolved, file.input.fs_path)) continue;
      int nth = 0;
      for (const auto& cert : setup().keyring().certificates()) {
        if (cert.source != source.resolved) continue;
        const Position at{LineOfCertificate(*file.source, nth++), 1};
        for (const std::string& problem : sealing::CertificateProblems(cert, std::time(nullptr))) {
          ctx.Report("", problem, ReportExtra{.at = at});
        }
      }
    }
  }

  /// Otherwise on the `.syncgate.yaml` entry naming it, or on the SealedSecrets checked with it.
  void CheckWorkspace(const Workspace& workspace, RuleContext& ctx) const override {
    for (const auto& source : setup().cert_sources()) {
      bool in_set = false;
      for (const auto& file : workspace.files())
        in_set |= SameFile(source.resolved, file->input.fs_path);
      if (in_set) continue;
      for (const auto& cert : setup().keyring().certificates()) {
        if (cert.source != source.resolved) continue;
        for (const std::string& problem : sealing::CertificateProblems(cert, std::time(nullptr))) {
          const std::string message = fmt::format("{}: {}", source.path, problem);
          bool reported = false;
          workspace.ForEachDocument(DocKind::kConfig, [&](const Document& doc) {
            if (source.config_pointer.empty() || !doc.Find(source.config_pointer)) return;
            ctx.ReportIn(doc, source.config_pointer, message);
            reported = true;
          });
          if (reported) continue;
          workspace.ForEachDocument(DocKind::kSealedSecret, [&](const Document& doc) {
            ctx.ReportIn(doc, "/metadata", message);
          });
        }
      }
    }
  }

 private:
  static bool SameFile(const std::string& a, const std::string& b) {
    std::error_code ec;
    return !b.empty() && std::filesystem::equivalent(a, b, ec) && !ec;
  }
  static int LineOfCertificate(const SourceFile& source, int nth) {
    for (int line = 1; line <= source.line_count(); ++line) {
      if (source.Line(line).find("BEGIN CERTIFICATE") != std::string_view::npos && nth-- == 0)
        return line;
    }
    return 1;
  }
};

}  // namespace

std::unique_ptr<Rule> MakeSealedCertInvalid() { return std::make_unique<SealedCertInvalid>(); }

}  // namespace syncgate::rules
