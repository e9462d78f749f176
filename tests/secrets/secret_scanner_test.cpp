// The shared scanner: patterns, key context, placeholders, entropy, decoding.
#include "rules/secret/secret_scanner.h"

#include <catch2/catch.hpp>

#include "checker/finding.h"

namespace syncgate::secrets {
namespace {

std::vector<SecretKind> Kinds(const std::vector<ValueHit>& hits) {
  std::vector<SecretKind> kinds;
  for (const ValueHit& h : hits) kinds.push_back(h.kind);
  return kinds;
}

}  // namespace

TEST_CASE("the guide's unseal keys and root token are found with their context", "[secrets]") {
  // Values from ../shared/domain/gitops-guide.md (the q-kms Application).
  const std::string key = "ZGHLJns5x2hKpvMTWEP1b7XXEoC8vJPZlF+HafVWi+dC";
  auto hits = ScanString("/spec/source/helm/values/vaultinit/unsealkeys/key1", "key1", key);
  REQUIRE(hits.size() == 1);
  CHECK(hits[0].kind == SecretKind::kVaultUnsealKey);
  CHECK(hits[0].offset == 0);
  CHECK(hits[0].length == key.size());
  // The same string without unseal context is not claimed to be an unseal key.
  CHECK(Kinds(ScanString("/data/build", "build", key)).empty());

  const std::string token = "hvs.nQKDvTCalx5XGJvDQe2J2phC";
  hits = ScanString("/vaultinit/roottoken", "rootToken", token);
  REQUIRE(hits.size() == 1);
  CHECK(hits[0].kind == SecretKind::kVaultToken);
  CHECK(hits[0].length == token.size());
}

TEST_CASE("pasted vault operator init output is read line by line", "[secrets]") {
  const std::string text =
      "Unseal Key 1: ZGHLJns5x2hKpvMTWEP1b7XXEoC8vJPZlF+HafVWi+dC\n"
      "Unseal Key 2: xOnAwPR/VCo95IY71to8X2OOwfcPQ0z0Ga95XAaKqVj8\n"
      "\n"
      "Initial Root Token: hvs.nQKDvTCalx5XGJvDQe2J2phC\n";
  const auto hits = ScanString("/data/init.txt", "init.txt", text);
  int unseal = 0;
  int tokens = 0;
  for (const ValueHit& h : hits) {
    unseal += h.kind == SecretKind::kVaultUnsealKey;
    tokens += h.kind == SecretKind::kVaultToken;
  }
  CHECK(unseal == 2);
  CHECK(tokens == 1);
  CHECK(hits.size() == 3);
}

TEST_CASE("secret-like keys and references", "[secrets]") {
  for (const char* key : {"password", "adminPassword", "DB_PASSWORD", "clientSecret", "apiKey",
                          "api_key", "secretKey", "token", "authToken", "credentials",
                          "connectionString", "userPassword", "minioSecretKey", "nodeToken"}) {
    INFO(key);
    CHECK(IsSecretKey(key));
  }
  for (const char* key : {"existingSecret",   "secretName",
                          "secretKeyRef",     "passwordFile",
                          "tokenPath",        "useExistingSecret",
                          "passwordPolicy",   "tokenTTL",
                          "secretRef",        "existingSecretPasswordKey",
                          "userPasswordKey",  "checksum/secret",
                          "imagePullSecrets", "enablePassword",
                          "username",         "apiVersion",
                          "apiGroup",         "publicKey",
                          "caBundle",         "vaultAddress"}) {
    INFO(key);
    CHECK_FALSE(IsSecretKey(key));
  }
}

TEST_CASE("placeholders, templates, references and ciphertext are not secrets", "[secrets]") {
  for (const char* value : {"",
                            "changeme",
                            "<password>",
                            "xxx",
                            "XXXXXXXX",
                            "********",
                            "${DB_PASSWORD}",
                            "$DB_PASS",
                            "{{ .Values.db.password }}",
                            "{{ required \"x\" .Values.x | b64enc }}",
                            "%PASSWORD%",
                            "ENC[AES256_GCM,data:abc=,iv:x,tag:y,type:str]",
                            "vault:secret/data/db#password",
                            "ref+vault://secret/db#/password",
                            "3f6c2a4e-9b1d-4c7e-8a2f-5d0b6e9c1a73",
                            "DB_PASSWORD",
                            "/run/secrets/db/password",
                            "your-password-here",
                            "true",
                            "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy"}) {
    INFO(value);
    CHECK(IsPlaceholder(value));
  }
  for (const char* value : {"8aZ8JKTmId9GDJNWhgV3VH", "Tr0ub4dor&3", "hunter2!", "admin123"}) {
    INFO(Redact(value));
    CHECK_FALSE(IsPlaceholder(value));
  }
  CHECK(ScanString("/auth/password", "password", "{{ .Values.auth.password }}").empty());
  CHECK(ScanString("/auth/existingsecret", "existingSecret", "db-credentials").empty());
  CHECK(ScanString("/auth/password", "password", "changeme").empty());
}

TEST_CASE("short or low-entropy literal values are weak evidence", "[secrets]") {
  auto hits = ScanString("/auth/password", "password", "admin123");
  REQUIRE(hits.size() == 1);
  CHECK(hits[0].kind == SecretKind::kPasswordValue);
  CHECK(hits[0].weak);
  hits = ScanString("/auth/password", "password", "8aZ8JKTmId9GDJNWhgV3VH");
  REQUIRE(hits.size() == 1);
  CHECK_FALSE(hits[0].weak);
}

TEST_CASE("known token formats and their look-alikes", "[secrets]") {
  CHECK(Kinds(ScanString("", "", "ghp_6iy5wRs9JNVCRf9Y1pnl2CnCzDcLAGGjJn57")) ==
        std::vector{SecretKind::kToken});
  CHECK(Kinds(ScanString("", "", "AKIARQFFRVNNRPJJUBNX")) == std::vector{SecretKind::kToken});
  CHECK(ScanString("", "", "AKIAIOSFODNN7EXAMPLE").empty());  // AWS documentation key
  auto url =
      ScanString("/env/0/value", "DATABASE_URL", "postgres://app:ac7RXKMCPgmd6nFP2G@db:5432/x");
  REQUIRE(url.size() == 1);
  CHECK(url[0].offset == 15);
  CHECK(url[0].length == 18);
  CHECK(ScanString("", "url", "postgres://app:${DB_PASSWORD}@db:5432/x").empty());
  CHECK(ScanString("", "image",
                   "nginx@sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae")
            .empty());
  CHECK(ScanString("", "revision", "9fceb02d0ae598e95dc970b74767f19372d61af8").empty());
  CHECK(ScanString("", "apiVersion", "rbac.authorization.k8s.io/v1").empty());
}

TEST_CASE("private keys need a real body", "[secrets]") {
  const std::string stub = "-----BEGIN RSA PRIVATE KEY-----\n...\n-----END RSA PRIVATE KEY-----\n";
  CHECK(ScanString("/tls/key", "key", stub).empty());
  const std::string pem =
      "-----BEGIN PRIVATE KEY-----\n"
      "MC4CAQAwBQYDK2VwBCIEIHSqyWjier+oUviRsX1WbFxEi2H+PMnWJijkgfx7txtc\n"
      "-----END PRIVATE KEY-----\n";
  auto hits = ScanString("/tls/key", "key", pem);
  REQUIRE(hits.size() == 1);
  CHECK(hits[0].kind == SecretKind::kPrivateKey);
  CHECK(hits[0].length == pem.size() - 1);  // the block, without the final newline
  CHECK(ScanString("/ca", "caBundle",
                   "-----BEGIN "
                   "CERTIFICATE-----\nMIIBkTCB+"
                   "wIJAKHUdNsQX7lGMA0GCSqGSIb3DQEBCwUAMBExDzANBgNVBAMMBnRlc3RjYTAeFw0y\n-----END "
                   "CERTIFICATE-----\n")
            .empty());
}

TEST_CASE("entropy, base64 and key-value lines", "[secrets]") {
  CHECK(ShannonEntropy("") == 0);
  CHECK(ShannonEntropy("aaaa") == 0);
  CHECK(ShannonEntropy("abcd") == Approx(2.0));
  CHECK(DecodeBase64("aHVudGVyMg==").value() == "hunter2");
  CHECK(DecodeBase64("aHVudGVyMg").value() == "hunter2");
  CHECK_FALSE(DecodeBase64("not base64!").has_value());
  auto kv = SplitKeyValue("    export DB_PASSWORD=\"s3cr3t\"  # comment");
  REQUIRE(kv);
  CHECK(kv->key == "DB_PASSWORD");
  CHECK(kv->value == "s3cr3t");
  CHECK(kv->value_offset == 24);
  kv = SplitKeyValue("  {\"apiToken\": \"abc\",");
  REQUIRE(kv);
  CHECK(kv->key == "apiToken");
  CHECK(kv->value == "abc");
  kv = SplitKeyValue("- --password=xyz");
  REQUIRE(kv);
  CHECK(kv->key == "password");
  CHECK(kv->value == "xyz");
  CHECK_FALSE(SplitKeyValue("just some words"));
}

}  // namespace syncgate::secrets
