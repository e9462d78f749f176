// Sealed Secrets: the shared vectors, the deterministic vector byte for byte, interoperability
// with an independent Python implementation, malformed input, `syncgate seal` and the examples.
// No test prints a plaintext: comparisons are done in code, Python answers "match"/"mismatch".
#include <catch2/catch.hpp>
#include <ctime>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "checker/document.h"
#include "model/seal_secret.h"
#include "model/sealed_secret.h"
#include "sealing/sealed_secrets.h"
#include "tests/test_util.h"

namespace syncgate {
namespace {
namespace fs = std::filesystem;
using sealing::Keyring;
using sealing::Scope;
using sealing::UnsealStatus;

fs::path Keys() { return testing::SourceDir() / "tests" / "sealing" / "keys"; }

Keyring TestKeyring(bool with_key = true) {
  Keyring ring;
  REQUIRE(ring.LoadCertificateFile((Keys() / "test-controller.crt").string()));
  if (with_key) REQUIRE(ring.LoadKeyFile((Keys() / "test-controller.key").string()));
  return ring;
}

/// The independent implementation, run from the repository root; empty when Python or its
/// `cryptography`/`yaml` modules are missing (the caller skips).
std::string Python() {
  static const bool ok = testing::RunShell("python3 -c 'import cryptography, yaml'").exit_code == 0;
  return ok ? "python3 '" + (testing::SourceDir() / "tests/sealing/kubeseal_compat.py").string() +
                  "'"
            : "";
}

std::string Hex2Bytes(const std::string& hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  }
  return out;
}

std::string Trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

}  // namespace

TEST_CASE("shared vectors open under their scope only, and the KAT is reproduced", "[sealing]") {
  const fs::path dir = testing::SharedData() / "sealed-secrets-vectors";
  if (testing::SharedData().empty() || !fs::exists(dir / "vectors.json")) {
    WARN("../shared/data/sealed-secrets-vectors absent: skipped");
    return;
  }
  const nlohmann::json vectors = nlohmann::json::parse(testing::ReadText(dir / "vectors.json"));
  Keyring ring;
  REQUIRE(ring.LoadCertificateFile((dir / "tls.crt").string()));
  REQUIRE(ring.LoadKeyFile((dir / "tls.key").string()));
  REQUIRE(ring.certificates().size() == 1);
  CHECK(ring.certificates()[0].modulus_bits == 4096);

  const std::vector<std::string> labels = {"team-a/db-creds", "team-a", ""};
  int checked = 0;
  for (const auto& v : vectors["randomised_vectors"]) {
    const std::string sealed = v["sealed_b64"];
    const std::string own = v["label"];
    const std::string plaintext = v["plaintext"];
    CHECK(sealing::CheckStructure(sealed, ring).status == sealing::StructureStatus::kOk);
    for (const std::string& label : labels) {
      INFO("scope " << v["scope"].get<std::string>() << " opened with label '" << label << "'");
      sealing::UnsealResult r = sealing::Unseal(sealed, label, ring, labels);
      if (label == own) {
        CHECK(r.status == UnsealStatus::kOk);
        CHECK(r.plaintext.view() == plaintext);
      } else {
        CHECK(r.status == UnsealStatus::kWrongLabel);
        REQUIRE(r.sealed_label.has_value());
        CHECK(*r.sealed_label == own);
      }
      ++checked;
    }
  }
  CHECK(checked == 9);

  const auto& kat = vectors["deterministic_kat"];
  Expected<std::string> sealed =
      sealing::Seal(kat["plaintext"].get<std::string>(), kat["label"].get<std::string>(), ring, 0,
                    Hex2Bytes(kat["rng_stream_for_cpp_hex"]));
  REQUIRE(sealed);
  CHECK(*sealed == kat["sealed_b64"].get<std::string>());
  CHECK(sealing::Unseal(*sealed, kat["label"].get<std::string>(), ring).status ==
        UnsealStatus::kOk);
}

TEST_CASE("seal and unseal round trip in every scope, and fail under the others", "[sealing]") {
  const Keyring ring = TestKeyring();
  for (Scope scope : {Scope::kStrict, Scope::kNamespaceWide, Scope::kClusterWide}) {
    const std::string label = sealing::LabelFor(scope, "team-a", "db");
    Expected<std::string> sealed = sealing::Seal("v4lue-\n-with-newline", label, ring);
    REQUIRE(sealed);
    CHECK(sealed->rfind("AQ", 0) == 0);  // 0x0100: a 2048-bit block
    sealing::UnsealResult r = sealing::Unseal(*sealed, label, ring);
    CHECK(r.status == UnsealStatus::kOk);
    CHECK(r.plaintext.view() == "v4lue-\n-with-newline");
    CHECK(sealing::Unseal(*sealed, "team-b/db", ring).status == UnsealStatus::kWrongLabel);
  }
  CHECK(sealing::LabelFor(Scope::kStrict, "ns", "n") == "ns/n");
  CHECK(sealing::LabelFor(Scope::kNamespaceWide, "ns", "n") == "ns");
  CHECK(sealing::LabelFor(Scope::kClusterWide, "ns", "n").empty());
  CHECK_FALSE(sealing::Seal("x", "bad,label)", ring));  // cannot smuggle into Botan's spec
}

TEST_CASE("malformed and altered values each get their verdict, never a crash", "[sealing]") {
  const Keyring ring = TestKeyring();
  Expected<std::string> good = sealing::Seal("s3cr3t-value", "team-a/db", ring);
  REQUIRE(good);
  const std::string blob = *sealing::DecodeBase64Strict(*good);
  const auto verdict = [&](const std::string& b64) { return sealing::CheckStructure(b64, ring); };

  CHECK(verdict("not-base64!!").status == sealing::StructureStatus::kMalformed);
  CHECK(verdict(good->substr(0, good->size() - 1)).status == sealing::StructureStatus::kMalformed);
  CHECK(verdict(*good + "\n").status == sealing::StructureStatus::kMalformed);  // strict base64
  CHECK(verdict(good->substr(0, 100)).status == sealing::StructureStatus::kMalformed);
  CHECK(verdict(sealing::EncodeBase64(blob.substr(0, 2 + 256 + 15))).reason.find("tag") !=
        std::string::npos);
  CHECK(verdict(sealing::EncodeBase64(std::string("\x00\x05", 2) + "hello")).status ==
        sealing::StructureStatus::kMalformed);
  CHECK(verdict("").status == sealing::StructureStatus::kMalformed);

  // A 3072-bit block against a 2048-bit certificate: the wrong key, provable without a key.
  std::string bigger = blob;
  bigger[0] = 0x01;
  bigger[1] = static_cast<char>(0x80);
  bigger.append(128, 'x');
  CHECK(verdict(sealing::EncodeBase64(bigger)).status == sealing::StructureStatus::kWrongKey);

  // Every single-bit flip in the GCM tag, and some in the RSA block: undecryptable, never opened.
  int undecryptable = 0;
  for (size_t i = blob.size() - 16; i < blob.size(); ++i) {
    std::string flipped = blob;
    flipped[i] = static_cast<char>(flipped[i] ^ 0x01);
    const auto r = sealing::Unseal(sealing::EncodeBase64(flipped), "team-a/db", ring);
    undecryptable += r.status == UnsealStatus::kUndecryptable;
    CHECK(r.plaintext.size() == 0);
  }
  CHECK(undecryptable == 16);
  for (size_t i : {2u, 3u, 100u, 257u}) {
    std::string flipped = blob;
    flipped[i] = static_cast<char>(flipped[i] ^ 0x80);
    const auto r = sealing::Unseal(sealing::EncodeBase64(flipped), "team-a/db", ring);
    CHECK((r.status == UnsealStatus::kUndecryptable || r.status == UnsealStatus::kMalformed));
  }
  // Random garbage of every length up to a few hundred bytes: a verdict, not a crash.
  std::string garbage;
  for (int n = 0; n < 400; ++n) {
    garbage.push_back(static_cast<char>((n * 131 + 7) & 0xff));
    (void)sealing::Unseal(sealing::EncodeBase64(garbage), "x", ring);
    (void)sealing::CheckStructure(sealing::EncodeBase64(garbage), ring);
  }
}

TEST_CASE("keys load from PKCS#1, PKCS#8 and the controller's Secret list", "[sealing]") {
  const std::string pkcs1 = testing::ReadText(Keys() / "test-controller.key");
  const std::string cert = testing::ReadText(Keys() / "test-controller.crt");
  Expected<std::string> sealed = sealing::Seal("value-1", "", TestKeyring(false));
  REQUIRE(sealed);

  testing::TempDir tmp;
  const auto pkcs8 = testing::RunShell("openssl pkcs8 -topk8 -nocrypt -in '" +
                                       (Keys() / "test-controller.key").string() + "'");
  if (pkcs8.exit_code == 0) {
    Keyring ring;
    REQUIRE(ring.AddPrivateKeys(pkcs8.out, "pkcs8"));
    CHECK(sealing::Unseal(*sealed, "", ring).status == UnsealStatus::kOk);
  } else {
    WARN("openssl not available: PKCS#8 case skipped");
  }

  // What `kubectl get secret -l sealedsecrets.bitnami.com/sealed-secrets-key -o yaml` returns.
  const std::string list =
      "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Secret\n"
      "  metadata:\n    name: sealed-secrets-keyabcde\n    labels:\n"
      "      sealedsecrets.bitnami.com/sealed-secrets-key: active\n"
      "  type: kubernetes.io/tls\n  data:\n    tls.crt: " +
      sealing::EncodeBase64(cert) + "\n    tls.key: " + sealing::EncodeBase64(pkcs1) + "\n";
  Keyring ring;
  REQUIRE(ring.AddPrivateKeys(list, "keys.yaml"));
  CHECK(ring.key_count() == 1);
  CHECK(ring.certificates().size() == 1);
  CHECK(sealing::Unseal(*sealed, "", ring).status == UnsealStatus::kOk);

  Keyring bad;
  Status missing = bad.AddPrivateKeys("apiVersion: v1\nkind: Secret\ndata: {}\n", "empty.yaml");
  REQUIRE_FALSE(missing);
  CHECK(missing.error().message.find("empty.yaml") != std::string::npos);
}

TEST_CASE("certificate checks: expired, expiring, weak", "[sealing]") {
  const int64_t now = std::time(nullptr);
  Keyring ring;
  REQUIRE(ring.LoadCertificateFile((Keys() / "expired.crt").string()));
  REQUIRE(ring.LoadCertificateFile((Keys() / "weak-1024.crt").string()));
  REQUIRE(ring.certificates().size() == 2);
  const auto expired = sealing::CertificateProblems(ring.certificates()[0], now);
  REQUIRE(expired.size() == 1);
  CHECK(expired[0].find("expired") != std::string::npos);
  CHECK(sealing::CertificateUnusable(ring.certificates()[0], now));
  const auto weak = sealing::CertificateProblems(ring.certificates()[1], now);
  REQUIRE(weak.size() == 1);
  CHECK(weak[0].find("1024 bits") != std::string::npos);

  sealing::CertificateInfo soon{"x", true, 4096, now - 86400, now + 10 * 86400, "f"};
  const auto expiring = sealing::CertificateProblems(soon, now);
  REQUIRE(expiring.size() == 1);
  CHECK(expiring[0].find("within 30 days") != std::string::npos);
  CHECK_FALSE(sealing::CertificateUnusable(soon, now));
  CHECK(sealing::CertificateProblems(TestKeyring(false).certificates()[0], now).empty());
}

TEST_CASE("values sealed by Python open in syncgate, and the reverse", "[sealing][interop]") {
  if (Python().empty()) {
    WARN("python3 with cryptography and yaml not available: interop skipped");
    return;
  }
  const Keyring ring = TestKeyring();
  const std::string cert = (Keys() / "test-controller.crt").string();
  const std::string key = (Keys() / "test-controller.key").string();
  for (const std::string label : {"team-a/db", "team-a", ""}) {
    INFO("label '" << label << "'");
    const auto py =
        testing::RunShell(Python() + " seal '" + cert + "' '" + label + "'", "py-s3cr3t");
    REQUIRE(py.exit_code == 0);
    sealing::UnsealResult r = sealing::Unseal(Trimmed(py.out), label, ring);
    CHECK(r.status == UnsealStatus::kOk);
    CHECK(r.plaintext.view() == "py-s3cr3t");

    Expected<std::string> ours = sealing::Seal("cpp-s3cr3t", label, ring);
    REQUIRE(ours);
    const auto check =
        testing::RunShell(Python() + " check '" + key + "' '" + label + "' cpp-s3cr3t", *ours);
    CHECK(Trimmed(check.out) == "match");
    const auto wrong =
        testing::RunShell(Python() + " check '" + key + "' 'other/label' cpp-s3cr3t", *ours);
    CHECK(Trimmed(wrong.out) == "fail");
  }
}

TEST_CASE("syncgate seal writes SealedSecrets the Python implementation opens",
          "[sealing][interop][cli]") {
  if (Python().empty()) {
    WARN("python3 with cryptography and yaml not available: skipped");
    return;
  }
  testing::TempDir tmp;
  const std::string cert = (Keys() / "test-controller.crt").string();
  const std::string key = (Keys() / "test-controller.key").string();
  const std::string secret =
      "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db-creds\n  namespace: team-a\n"
      "  labels:\n    app: db\n  annotations:\n    owner: team-a\n"
      "    kubectl.kubernetes.io/last-applied-configuration: '{}'\n"
      "type: kubernetes.io/basic-auth\ndata:\n  username: YWRtaW4tdXNlcg==\n"
      "stringData:\n  password: \"Pl41n: text #1\"\n";
  testing::WriteFile(tmp / "secret.yaml", secret);

  for (const std::string scope : {"strict", "namespace-wide", "cluster-wide"}) {
    INFO("scope " << scope);
    const auto sealed = testing::RunSyncgate("seal --cert '" + cert + "' --scope " + scope, secret);
    REQUIRE(sealed.exit_code == 0);
    CHECK(sealed.out.find("Pl41n") == std::string::npos);
    CHECK(sealed.out.find("admin-user") == std::string::npos);
    CHECK(sealed.out.find("last-applied") == std::string::npos);
    CHECK(sealed.out.find("type: kubernetes.io/basic-auth") != std::string::npos);
    CHECK(sealed.out.find("app: db") != std::string::npos);
    CHECK((scope == "strict") ==
          (sealed.out.find("sealedsecrets.bitnami.com/") == std::string::npos));
    testing::WriteFile(tmp / "sealed.yaml", sealed.out);
    const auto check = testing::RunShell(Python() + " check-yaml '" + key + "' '" +
                                         (tmp / "sealed.yaml").string() + "' '" +
                                         (tmp / "secret.yaml").string() + "'");
    CHECK(check.out == "password: match\nusername: match\n");
    // And syncgate's own check passes it with the key.
    testing::WriteFile(tmp / "check" / "sealed.yaml", sealed.out);
    const auto run =
        testing::RunSyncgate("check '" + (tmp / "check").string() + "' --sealed-cert '" + cert +
                             "' --sealed-key '" + key + "' --format json");
    CHECK(run.out.find("\"sealed-") == std::string::npos);
  }

  // --raw: one value.
  const auto raw = testing::RunSyncgate(
      "seal --raw --cert '" + cert + "' --namespace team-a --name db", "raw-v4lue");
  REQUIRE(raw.exit_code == 0);
  CHECK(Trimmed(testing::RunShell(Python() + " check '" + key + "' team-a/db raw-v4lue", raw.out)
                    .out) == "match");
  CHECK(testing::RunSyncgate("seal --raw --cert '" + cert + "'", "x").exit_code ==
        2);  // no namespace

  // --merge-into adds a key to an existing SealedSecret (and keeps the old ones).
  const auto first = testing::RunSyncgate("seal --cert '" + cert + "'", secret);
  testing::WriteFile(tmp / "merge.yaml", first.out);
  const std::string extra =
      "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db-creds\n"
      "stringData:\n  api_key: k3y-value\n";
  REQUIRE(
      testing::RunSyncgate(
          "seal --cert '" + cert + "' --merge-into '" + (tmp / "merge.yaml").string() + "'", extra)
          .exit_code == 0);
  testing::WriteFile(tmp / "expected.yaml",
                     secret.substr(0, secret.size() - 1) + "\n  api_key: k3y-value\n");
  CHECK(testing::RunShell(Python() + " check-yaml '" + key + "' '" + (tmp / "merge.yaml").string() +
                          "' '" + (tmp / "expected.yaml").string() + "'")
            .out == "api_key: match\npassword: match\nusername: match\n");

  // --in-place replaces the plain Secret file.
  REQUIRE(testing::RunSyncgate("seal --cert '" + cert + "' --in-place '" +
                               (tmp / "secret.yaml").string() + "'")
              .exit_code == 0);
  const std::string replaced = testing::ReadText(tmp / "secret.yaml");
  CHECK(replaced.find("kind: SealedSecret") != std::string::npos);
  CHECK(replaced.find("Pl41n") == std::string::npos);
}

TEST_CASE("syncgate seal refuses what it cannot do", "[sealing][cli]") {
  const std::string secret =
      "apiVersion: v1\nkind: Secret\nmetadata:\n  name: a\n  namespace: b\n"
      "stringData:\n  k: v4lue\n";
  const auto expired =
      testing::RunSyncgate("seal --cert '" + (Keys() / "expired.crt").string() + "'", secret);
  CHECK(expired.exit_code == 2);
  CHECK(expired.err.find("expired") != std::string::npos);
  CHECK(expired.out.empty());
  CHECK(testing::RunSyncgate("seal", secret).exit_code == 2);  // --cert is required
  const std::string cert = (Keys() / "test-controller.crt").string();
  const auto bad = testing::RunSyncgate("seal --cert '" + cert + "'",
                                        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: a\n"
                                        "  namespace: b\ndata:\n  k: not base64!\n");
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.find("<stdin>:7:") != std::string::npos);
  CHECK(testing::RunSyncgate("seal --cert '" + cert + "'", "kind: ConfigMap\n").exit_code == 2);
  CHECK(testing::RunSyncgate("seal --cert '" + cert + "' --scope wide", secret).exit_code == 2);
  const auto no_ns = testing::RunSyncgate("seal --cert '" + cert + "'",
                                          "apiVersion: v1\nkind: Secret\nmetadata:\n  name: a\n"
                                          "stringData:\n  k: v\n");
  CHECK(no_ns.exit_code == 2);
  CHECK(no_ns.err.find("namespace") != std::string::npos);
}

TEST_CASE("examples: the copied SealedSecret is a scope mismatch, the good one passes",
          "[sealing][e2e]") {
  const std::string root = testing::SourceDir().string();
  const std::string flags =
      "--sealed-cert examples/sealed-secrets/controller.crt "
      "--sealed-key examples/sealed-secrets/controller.key --format json --fail-on never "
      "--no-require-render";
  const auto with_key = testing::RunSyncgate("check examples/ " + flags, "", root);
  REQUIRE(with_key.exit_code == 0);
  const nlohmann::json report = nlohmann::json::parse(with_key.out);
  std::vector<std::string> sealed_findings;
  for (const auto& f : report["findings"]) {
    const std::string rule = f["rule"];
    if (rule.rfind("sealed-", 0) == 0)
      sealed_findings.push_back(rule + " " + f["file"].get<std::string>());
  }
  CHECK(sealed_findings ==
        std::vector<std::string>{
            "sealed-secret-scope-mismatch examples/q-kms/sealed/keycloak-db-sealedsecret.yaml",
            "sealed-secret-scope-mismatch examples/q-kms/sealed/keycloak-db-sealedsecret.yaml"});
  CHECK(with_key.out.find("q-sign/keycloak-db") !=
        std::string::npos);                                     // says what it was sealed for
  CHECK(with_key.out.find("Kc-db-7f3a") == std::string::npos);  // never the plaintext
  CHECK(with_key.out.find("secret-private-key") == std::string::npos);  // suppressed with a reason

  // Without the key: only what the certificate proves, and both objects fit it.
  const auto cert_only = testing::RunSyncgate(
      "check examples/ --sealed-cert examples/sealed-secrets/controller.crt --format json "
      "--fail-on never --no-require-render",
      "", root);
  REQUIRE(cert_only.exit_code == 0);
  CHECK(cert_only.out.find("\"sealed-") == std::string::npos);
  // Checked against another controller's certificate, every value is the wrong key.
  const auto other = testing::RunSyncgate(
      "check examples/ --sealed-cert tests/sealing/keys/other-3072.crt --format json --fail-on "
      "never "
      "--no-require-render",
      "", root);
  CHECK(other.out.find("sealed-secret-wrong-key") != std::string::npos);
}

}  // namespace syncgate
