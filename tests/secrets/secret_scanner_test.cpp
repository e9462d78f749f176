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

namespace syncgate::secrets {

TEST_CASE("a PEM block counts as a key only when its body decodes as one", "[secrets]") {
  const std::string head = "-----BEGIN RSA PRIVATE KEY-----\n";
  const std::string tail = "-----END RSA PRIVATE KEY-----\n";
  // Elided in documentation: first and last lines of a real body around `...`.
  const std::string elided = head +
                             "MIIEowIBAAKCAQEAd9ipKj1Yjy4VsCgkCWNFMNnhmLu3iNkhho6ADz14y5wjXqJU\n"
                             "...\n"
                             "WAD5UG08Yl8KrNongfzpORaqouCUxNapqMBFqFNoA0Pe0/lbsEI=\n" +
                             tail;
  CHECK(ScanString("/docs", "key", elided).empty());
  // A full-length body that is not DER: an example, reported as such (info).
  const std::string made_up = head +
                              "VGhpcyBpcyBub3QgYSBrZXksIGl0IG9ubHkgbG9va3MgbGlrZSBvbmUgaW4gYSB0\n"
                              "dXRvcmlhbCB0aGF0IHNob3dzIHdoZXJlIHRoZSBrZXkgZ29lcyBpbiB0aGUgZmls\n" +
                              tail;
  auto hits = ScanString("/docs", "key", made_up);
  REQUIRE(hits.size() == 1);
  CHECK(hits[0].kind == SecretKind::kPrivateKey);
  CHECK(hits[0].example);
  // A real PKCS#8 key, also inside a JSON string with `\n` escapes: an error.
  const std::string pkcs8 =
      "-----BEGIN PRIVATE "
      "KEY-----\\nMC4CAQAwBQYDK2VwBCIEIHSqyWjier+oUviRsX1WbFxEi2H+PMnWJijkgfx7txtc"
      "\\n-----END PRIVATE KEY-----\\n";
  hits = ScanString("", "", "{\"key\": \"" + pkcs8 + "\"}");
  REQUIRE(hits.size() == 1);
  CHECK_FALSE(hits[0].example);
  // A body this cannot read cleanly (a template inside) is assumed real: never miss a key.
  const std::string mixed =
      "-----BEGIN EC PRIVATE KEY-----\n"
      "MHcCAQEEIBVL7RzRDDzYduoIcAyBLyq6gfgvBl52/SlD4gOJhWIMoAoGCCqGSM49\n"
      "{{ .Values.keyTail }}\n"
      "-----END EC PRIVATE KEY-----\n";
  hits = ScanString("", "", mixed);
  REQUIRE(hits.size() == 1);
  CHECK_FALSE(hits[0].example);
}

TEST_CASE("password hashes are findings of their own", "[secrets]") {
  for (const char* hash :
       {"$2b$12$EG2axsMMVQrKy2oK3mAtV.KATgRqxFhUN..dn6.1jW30fP0tfJVga",
        "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHRzYWx0$"
        "qZ3nTq1bN7fSg5z4uX2mV9wL8kR6yP0eA1cD3hJ5tBg",
        "pbkdf2:sha256:600000$Wz4kT8qL$"
        "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        "pbkdf2_sha256$720000$Wz4kT8qLm2Rx$k1Vd0fQy7mZb3nX8pL2rT6wS9cH4jA5eU0gI1oN7sK=",
        "$6$g7VxDUyzNyBsHxT2$GfNxY/UZWkBtpcTYr8qG3IZZt6YkNE3sDmAZy7ubQVifBGJw/UvKpTgh8oNOP7Hl//"
        "5NTho6Ds52e6j.0mo9f/",
        "$apr1$Hk2tR9aB$3sLq8mZv0XwTnJ4pC7yD1."}) {
    const auto hits = ScanString("/admin/password", "admin.password", hash);
    INFO(Redact(hash));
    REQUIRE(hits.size() == 1);
    CHECK(hits[0].kind == SecretKind::kPasswordValue);
    CHECK(hits[0].hash);
  }
  // The name of a hash method is not a hash.
  CHECK(ScanString("/fab", "FAB_PASSWORD_HASH_METHOD", "pbkdf2:sha256").empty());
  // An htpasswd line: the hash, where it starts.
  const std::string htpasswd =
      "registry:$2y$10$3jmPNApeZth7v2tManDtHeBaBuDe2ml9QhG29AffLLmOl.YF3fTye";
  auto hits = ScanString("/credentials/htpasswd", "htpasswd", htpasswd);
  REQUIRE(hits.size() == 1);
  CHECK(hits[0].offset == 9);
  // Examples in documentation and in the commented-out lines of stock configuration files.
  ScanOptions docs;
  docs.no_password_heuristic = true;
  CHECK(ScanString("", "", htpasswd, docs).empty());
  const std::string sha_crypt = "$5$eqxjv5hTYIgGxmnc$2xGwPTcRZuq.sESTwXNxI/elPT1isoXPMr/BrDkW5O/";
  CHECK(ScanString("", "", "admin-password=" + sha_crypt + "\n").size() == 1);
  CHECK(ScanString("", "",
                   "listen-port=3479\n"
                   "#admin-password=$5$eqxjv5hTYIgGxmnc$"
                   "2xGwPTcRZuq.sESTwXNxI/elPT1isoXPMr/BrDkW5O/\n")
            .empty());
}

TEST_CASE("what secret-like keys hold that is not a secret", "[secrets]") {
  for (const char* value : {"cat /opt/app/secrets/secret-key",
                            "$(cat /run/secrets/db)",
                            "env(\"GRAFANA_CLOUD_API_KEY\")",
                            "get_secret_value(\"hub.db.password\", None)",
                            "User.find_by_username('root').personal_access_tokens.create(",
                            "os.environ.get(\"SECRET_KEY\")",
                            "\\\"$MAIL_PASSWORD\\\" \"",
                            "thanos.yaml",
                            "tls.key",
                            "pbkdf2:sha256",
                            "hmac-sha256",
                            "scram-sha-256",
                            "ES256",
                            "aes-256-gcm",
                            "0.0.0.0/0",
                            "jwt,priv-key=/certs/signing.pem,sign-method=RS256,ttl=5m",
                            "string | default=\"\"",
                            "my-hub-license",
                            "another_pw",
                            "somepassword",
                            "jiraToken",
                            "YourPingdomApiToken",
                            "ghp_XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
                            "xxx-xxxxxxxx-xxxx",
                            "changeme",
                            "CHANGE_ME_PLEASE",
                            "test-password",
                            "username",
                            "write"}) {
    INFO(value);
    CHECK(IsPlaceholder(value));
  }
  // Weak and dictionary defaults deploy: they are values, not placeholders.
  for (const char* value : {"ChangeMe123", "changeme!", "supersecret", "guest", "admin",
                            "Tr0ub(4)dor", "minio123", "a1b2c3d4e5"}) {
    INFO(Redact(value));
    CHECK_FALSE(IsPlaceholder(value));
  }
}

TEST_CASE("a committed weak default is a warning, not a placeholder", "[secrets]") {
  const std::string weak_default = "ChangeMe123";
  const auto hits = ScanString("/grafana/adminpassword", "adminPassword", weak_default);
  REQUIRE(hits.size() == 1);
  CHECK(hits[0].kind == SecretKind::kPasswordValue);
  CHECK(hits[0].weak);
  CHECK(ScanString("/grafana/adminpassword", "adminPassword", "changeme").empty());
}

TEST_CASE("keys that name a setting, a name or a reference", "[secrets]") {
  for (const char* key :
       {"external-secrets.io/component", "TS_KUBE_SECRET", "initialClusterToken", "id-token",
        "id_token", "tsigSecretAlg", "FAB_PASSWORD_HASH_METHOD", "AIRFLOW__API__SECRET_KEY_CMD",
        "fromConnectionSecretKey", "masterKeyIps", "password_encryption",
        "writeConnectionSecretsToNamespace", "admin.passwordMtime"}) {
    INFO(key);
    CHECK_FALSE(IsSecretKey(key));
  }
  CHECK(IsSecretKey("nginx.ingress.kubernetes.io/auth-secret"));
}

TEST_CASE("key context: names, references and dummies are not values", "[secrets]") {
  // Values are kept out of the CHECK expressions, so that a failure prints no secret.
  const std::string strong = "Wq7vLm2pRt9sKw4z";
  const std::string weak_default = "minio123";
  // An access key id is the user half of a pair.
  CHECK(ScanString("/minio/accesskey", "accessKey", "metrics-writer").empty());
  CHECK(ScanString("/minio/secretkey", "secretKey", weak_default).size() == 1);
  // `secret-name/KEY` and anything under envFromSecret say where the value is.
  CHECK(
      ScanString("/env/turn_password", "TURN_PASSWORD", "turn-credentials/TURN_PASSWORD").empty());
  CHECK(ScanString("/envfromsecret/key", "DATASTORE_ENCRYPTION_KEY", "datastore/encryptionKey")
            .empty());
  // A connection string without credentials says where to connect.
  CHECK(ScanString("/x/connectionstring", "internalConnectionString", "zk-0.zk:2181").empty());
  const std::string with_password = "Server=db;User Id=app;Password=" + strong + ";";
  CHECK(ScanString("/x/connectionstring", "connectionString", with_password).size() == 1);
  // An issued token cannot be a run of digits; a chosen password can.
  const std::string digits = "1234567890";
  CHECK(ScanString("/x/token", "insecureTokenValue", digits).empty());
  CHECK(ScanString("/x/password", "password", digits).size() == 1);
  // In a Secret's own data a name-like value is the secret itself.
  const std::string name_like = "default_password";
  CHECK(ScanString("/data/password", "password", name_like).empty());
  ScanOptions data;
  data.secret_data = true;
  CHECK(ScanString("/data/password", "password", name_like, data).size() == 1);
}

TEST_CASE("text lines: prose, `=>`, comments and ExternalSecret keys", "[secrets]") {
  const std::string strong = "Wq7vLm2pRt9sKw4z";
  CHECK_FALSE(SplitKeyValue("    and agent.mountApiToken=true."));
  CHECK_FALSE(SplitKeyValue("htpasswd format, for example: \"user1:{SHA}hashed\"."));
  auto kv = SplitKeyValue("        #password => \"test\"");
  REQUIRE(kv);
  CHECK(kv->key == "password");
  CHECK(kv->value == "test");
  CHECK(kv->commented);
  kv = SplitKeyValue("  client_secret: # filled in by External Secrets");
  REQUIRE(kv);
  CHECK(kv->value.empty());
  // A commented-out weak value is a stock example; a strong one is still a leak.
  CHECK(ScanString("", "", "port=3479\n#admin-password=letmein\n").empty());
  const std::string commented_strong = "port=3479\n#admin-password=" + strong + "\n";
  CHECK(ScanString("", "", commented_strong).size() == 1);
  // `secretKey` beside `remoteRef` names the key an ExternalSecret fills.
  CHECK(ScanString("", "",
                   "data:\n"
                   "  - secretKey: client-id\n"
                   "    remoteRef:\n"
                   "      key: platform/keycloak\n")
            .empty());
}

TEST_CASE("which entries of a Secret hold a credential", "[secrets]") {
  const std::string strong = "Wq7vLm2pRt9sKw4z";
  const std::string bcrypt = "$2b$12$EG2axsMMVQrKy2oK3mAtV.KATgRqxFhUN..dn6.1jW30fP0tfJVga";
  const std::string ceph_key = "AQDCZLtXORt+JhAAAXhDV4rlgpl2ccp4zDVROA==";
  const std::string config_with_token = "auth:\n  token: " + strong + "\n";
  const std::string uri_with_password = "mongodb://app:" + strong + "@mongodb:27017";
  CHECK(IsSensitiveSecretEntry("password", strong));
  CHECK(IsSensitiveSecretEntry("password", "default_password"));
  CHECK(IsSensitiveSecretEntry("key", ceph_key));
  CHECK(IsSensitiveSecretEntry("admin.password", bcrypt));
  CHECK(IsSensitiveSecretEntry("config.yaml", config_with_token));
  CHECK(IsSensitiveSecretEntry("mongodb-uri", uri_with_password));
  CHECK_FALSE(IsSensitiveSecretEntry("config.yaml", "global:\n  resolve_timeout: 5m\n"));
  CHECK_FALSE(IsSensitiveSecretEntry("url", "https://github.com/example/repo"));
  CHECK_FALSE(IsSensitiveSecretEntry("mongodb-uri", "mongodb://mongodb:27017"));
  CHECK_FALSE(IsSensitiveSecretEntry("username", "admin"));
  CHECK_FALSE(IsSensitiveSecretEntry("password", "my-password"));
  CHECK_FALSE(IsSensitiveSecretEntry("fastly-api-token", "token"));
  CHECK_FALSE(IsSensitiveSecretEntry("ca.crt", "-----BEGIN CERTIFICATE-----\nMIIB\n"));
}

}  // namespace syncgate::secrets
