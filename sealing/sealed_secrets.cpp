// Sealed Secrets crypto on Botan 2. Botan types never leave this file, and its exceptions are
// caught here.
#include "sealing/sealed_secrets.h"

#include <botan/aead.h>
#include <botan/auto_rng.h>
#include <botan/base64.h>
#include <botan/bigint.h>
#include <botan/data_src.h>
#include <botan/hash.h>
#include <botan/hex.h>
#include <botan/mgf1.h>
#include <botan/pem.h>
#include <botan/pkcs8.h>
#include <botan/pubkey.h>
#include <botan/rsa.h>
#include <botan/version.h>
#include <botan/x509cert.h>
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>
#include <ctime>
#include <fstream>
#include <sstream>

#include "checker/document.h"

namespace syncgate::sealing {

struct Keyring::Impl {
  std::vector<Botan::X509_Certificate> certs;
  std::vector<std::unique_ptr<Botan::RSA_PublicKey>>
      cert_keys;  // parallel to certs (null: not RSA)
  std::vector<CertificateInfo> infos;
  std::vector<std::unique_ptr<Botan::RSA_PrivateKey>> keys;
};

namespace {

constexpr size_t kSessionKeyBytes = 32;
constexpr size_t kHashBytes = 32;  // SHA-256
constexpr size_t kTagBytes = 16;
// RSA-1024 to RSA-16384: anything else in the prefix was not written by kubeseal.
constexpr size_t kMinRsaBytes = 128;
constexpr size_t kMaxRsaBytes = 2048;

/// Draws from a fixed buffer instead of the system: reproduces a known vector byte for byte.
class FixedRng final : public Botan::RandomNumberGenerator {
 public:
  explicit FixedRng(std::string_view bytes) : bytes_(bytes) {}
  void randomize(uint8_t output[], size_t length) override {
    if (length > bytes_.size() - used_) throw std::runtime_error("fixed random stream exhausted");
    std::memcpy(output, bytes_.data() + used_, length);
    used_ += length;
  }
  bool accepts_input() const override { return false; }
  void add_entropy(const uint8_t[], size_t) override {}
  std::string name() const override { return "fixed"; }
  void clear() override {}
  bool is_seeded() const override { return true; }

 private:
  std::string_view bytes_;
  size_t used_ = 0;
};

Botan::RandomNumberGenerator& SystemRng() {
  thread_local Botan::AutoSeeded_RNG rng;
  return rng;
}

std::string Sha256(const uint8_t* data, size_t size) {
  auto hash = Botan::HashFunction::create_or_throw("SHA-256");
  hash->update(data, size);
  const Botan::secure_vector<uint8_t> out = hash->final();
  return std::string(out.begin(), out.end());
}

Expected<std::string> ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Unexpected(fmt::format("cannot read {}", path));
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// The PEM blocks of `text` with their labels, in order (text around them is ignored).
std::vector<std::pair<std::string, std::string>> PemBlocks(std::string_view text) {
  std::vector<std::pair<std::string, std::string>> out;
  size_t at = 0;
  while ((at = text.find("-----BEGIN ", at)) != std::string_view::npos) {
    const size_t label_end = text.find("-----", at + 11);
    if (label_end == std::string_view::npos) break;
    const std::string label(text.substr(at + 11, label_end - at - 11));
    const std::string end_marker = "-----END " + label + "-----";
    const size_t end = text.find(end_marker, label_end);
    if (end == std::string_view::npos) break;
    out.emplace_back(label, std::string(text.substr(at, end + end_marker.size() - at)));
    at = end + end_marker.size();
  }
  return out;
}

std::unique_ptr<Botan::RSA_PrivateKey> ParsePrivateKeyPem(const std::string& label,
                                                          const std::string& pem) {
  if (label == "RSA PRIVATE KEY") {  // PKCS#1, what the controller writes; PKCS8 rejects it
    std::string decoded_label;
    const Botan::secure_vector<uint8_t> der = Botan::PEM_Code::decode(pem, decoded_label);
    return std::make_unique<Botan::RSA_PrivateKey>(
        Botan::AlgorithmIdentifier("RSA", Botan::AlgorithmIdentifier::USE_NULL_PARAM), der);
  }
  Botan::DataSource_Memory source(pem);
  std::unique_ptr<Botan::Private_Key> key = Botan::PKCS8::load_key(source);
  auto* rsa = dynamic_cast<Botan::RSA_PrivateKey*>(key.get());
  if (!rsa) throw std::runtime_error(fmt::format("a {} key, not RSA", key->algo_name()));
  return std::unique_ptr<Botan::RSA_PrivateKey>(static_cast<Botan::RSA_PrivateKey*>(key.release()));
}

/// The raw bytes of a sealed value, or why it is not one.
struct Blob {
  std::string bytes;
  size_t rsa_len = 0;
};
std::optional<Blob> ParseBlob(std::string_view b64, std::string& reason) {
  std::optional<std::string> bytes = DecodeBase64Strict(b64);
  if (!bytes) {
    reason = b64.empty() ? "the value is empty" : "the value is not standard base64 with padding";
    return std::nullopt;
  }
  if (bytes->size() < 2) {
    reason = "the value is shorter than its 2-byte length prefix";
    return std::nullopt;
  }
  Blob blob{std::move(*bytes), 0};
  blob.rsa_len = (static_cast<uint8_t>(blob.bytes[0]) << 8) | static_cast<uint8_t>(blob.bytes[1]);
  if (blob.rsa_len < kMinRsaBytes || blob.rsa_len > kMaxRsaBytes) {
    reason = fmt::format(
        "the length prefix ({} bytes) is not an RSA block size: the value was "
        "not sealed by kubeseal",
        blob.rsa_len);
    return std::nullopt;
  }
  if (blob.bytes.size() < 2 + blob.rsa_len) {
    reason = fmt::format("the value is truncated: {} bytes, the RSA block alone needs {}",
                         blob.bytes.size(), 2 + blob.rsa_len);
    return std::nullopt;
  }
  if (blob.bytes.size() < 2 + blob.rsa_len + kTagBytes) {
    reason = "the value is truncated: the AES-GCM part is shorter than its 16-byte tag";
    return std::nullopt;
  }
  return blob;
}

const uint8_t* U8(const std::string& s, size_t offset = 0) {
  return reinterpret_cast<const uint8_t*>(s.data()) + offset;
}

/// AES-256-GCM open with a zero nonce; nullopt when the tag does not verify.
std::optional<SecretBytes> OpenGcm(const Botan::secure_vector<uint8_t>& session_key,
                                   const std::string& blob, size_t offset) {
  auto gcm = Botan::AEAD_Mode::create_or_throw("AES-256/GCM", Botan::DECRYPTION);
  gcm->set_key(session_key);
  gcm->start(std::vector<uint8_t>(12, 0));
  Botan::secure_vector<uint8_t> buffer(blob.begin() + static_cast<std::ptrdiff_t>(offset),
                                       blob.end());
  try {
    gcm->finish(buffer);
  } catch (const Botan::Invalid_Authentication_Tag&) {
    return std::nullopt;
  }
  return SecretBytes(std::string(buffer.begin(), buffer.end()));  // buffer wipes itself
}

/// RFC 8017 EME-OAEP decoding without the label check: returns the label hash found in the block
/// and the message, or nullopt when the block is not OAEP at all (wrong key).
struct OaepBlock {
  std::string label_hash;
  Botan::secure_vector<uint8_t> message;
};
std::optional<OaepBlock> DecodeOaep(Botan::secure_vector<uint8_t> em) {
  if (em.size() < 2 * kHashBytes + 2 || em[0] != 0) return std::nullopt;
  auto hash = Botan::HashFunction::create_or_throw("SHA-256");
  uint8_t* seed = em.data() + 1;
  uint8_t* db = em.data() + 1 + kHashBytes;
  const size_t db_len = em.size() - 1 - kHashBytes;
  Botan::mgf1_mask(*hash, db, db_len, seed, kHashBytes);
  Botan::mgf1_mask(*hash, seed, kHashBytes, db, db_len);
  size_t i = kHashBytes;
  while (i < db_len && db[i] == 0) ++i;
  if (i == db_len || db[i] != 0x01) return std::nullopt;
  OaepBlock block;
  block.label_hash.assign(reinterpret_cast<const char*>(db), kHashBytes);
  block.message.assign(db + i + 1, db + db_len);
  if (block.message.size() != kSessionKeyBytes) return std::nullopt;
  return block;
}

}  // namespace

SecretBytes& SecretBytes::operator=(SecretBytes&& other) noexcept {
  if (this != &other) {
    Wipe();
    bytes_ = std::move(other.bytes_);
    other.Wipe();
  }
  return *this;
}

void SecretBytes::Wipe() {
  volatile char* p = bytes_.data();
  for (size_t i = 0; i < bytes_.size(); ++i) p[i] = 0;
  bytes_.clear();
}

std::string_view ScopeName(Scope scope) {
  switch (scope) {
    case Scope::kStrict:
      return "strict";
    case Scope::kNamespaceWide:
      return "namespace-wide";
    case Scope::kClusterWide:
      return "cluster-wide";
  }
  return "strict";
}

std::optional<Scope> ParseScope(std::string_view name) {
  for (Scope s : {Scope::kStrict, Scope::kNamespaceWide, Scope::kClusterWide}) {
    if (name == ScopeName(s)) return s;
  }
  return std::nullopt;
}

std::string LabelFor(Scope scope, std::string_view ns, std::string_view name) {
  switch (scope) {
    case Scope::kClusterWide:
      return "";
    case Scope::kNamespaceWide:
      return std::string(ns);
    case Scope::kStrict:
      break;
  }
  return fmt::format("{}/{}", ns, name);
}

Keyring::Keyring() : impl_(std::make_unique<Impl>()) {}
Keyring::~Keyring() = default;
Keyring::Keyring(Keyring&&) noexcept = default;
Keyring& Keyring::operator=(Keyring&&) noexcept = default;

const std::vector<CertificateInfo>& Keyring::certificates() const { return impl_->infos; }
size_t Keyring::key_count() const { return impl_->keys.size(); }

std::vector<size_t> Keyring::BlockSizes() const {
  std::vector<size_t> sizes;
  for (const auto& key : impl_->cert_keys) {
    if (key) sizes.push_back(key->get_n().bytes());
  }
  for (const auto& key : impl_->keys) sizes.push_back(key->get_n().bytes());
  std::sort(sizes.begin(), sizes.end());
  sizes.erase(std::unique(sizes.begin(), sizes.end()), sizes.end());
  return sizes;
}

Status Keyring::AddCertificates(std::string_view pem, std::string_view source) {
  size_t added = 0;
  for (const auto& [label, block] : PemBlocks(pem)) {
    if (label != "CERTIFICATE") continue;
    try {
      Botan::DataSource_Memory in(block);
      Botan::X509_Certificate cert(in);
      CertificateInfo info;
      info.source = std::string(source);
      info.not_before = static_cast<int64_t>(cert.not_before().time_since_epoch());
      info.not_after = static_cast<int64_t>(cert.not_after().time_since_epoch());
      const std::vector<uint8_t> der = cert.BER_encode();
      info.fingerprint = Botan::hex_encode(
          reinterpret_cast<const uint8_t*>(Sha256(der.data(), der.size()).data()), 8, false);
      std::unique_ptr<Botan::Public_Key> key = cert.load_subject_public_key();
      std::unique_ptr<Botan::RSA_PublicKey> rsa;
      if (auto* r = dynamic_cast<Botan::RSA_PublicKey*>(key.get())) {
        rsa = std::make_unique<Botan::RSA_PublicKey>(r->get_n(), r->get_e());
        info.is_rsa = true;
        info.modulus_bits = rsa->get_n().bits();
      }
      // Rotation leaves duplicates around (the same cert in a file and in a key Secret).
      bool duplicate = false;
      for (const CertificateInfo& known : impl_->infos)
        duplicate |= known.fingerprint == info.fingerprint;
      ++added;
      if (duplicate) continue;
      impl_->certs.push_back(std::move(cert));
      impl_->cert_keys.push_back(std::move(rsa));
      impl_->infos.push_back(std::move(info));
    } catch (const std::exception& e) {
      return Unexpected(
          fmt::format("{}: certificate {} does not parse: {}", source, added + 1, e.what()));
    }
  }
  if (added == 0) return Unexpected(fmt::format("{}: no PEM certificate found", source));
  return Ok{};
}

Status Keyring::AddPrivateKeys(std::string_view text, std::string_view source) {
  const auto blocks = PemBlocks(text);
  const bool pem_only = !blocks.empty() && text.find("kind:") == std::string_view::npos &&
                        text.find("\"kind\"") == std::string_view::npos;
  if (pem_only) {
    size_t added = 0;
    for (const auto& [label, block] : blocks) {
      if (label.find("PRIVATE KEY") == std::string::npos) continue;
      try {
        impl_->keys.push_back(ParsePrivateKeyPem(label, block));
        ++added;
      } catch (const std::exception& e) {
        return Unexpected(
            fmt::format("{}: private key does not load ({}): {}", source, label, e.what()));
      }
    }
    if (added == 0) return Unexpected(fmt::format("{}: no PEM private key found", source));
    return Ok{};
  }
  // YAML (or JSON): kubernetes.io/tls Secrets, alone, as a stream, or in a List.
  LoadResult loaded = LoadYaml(SourceFile::FromText(std::string(source), std::string(text)));
  if (loaded.error) {
    return Unexpected(fmt::format("{}:{}:{}: {}", source, loaded.error->pos.line,
                                  loaded.error->pos.column, loaded.error->message));
  }
  std::vector<const Node*> secrets;
  for (const auto& doc : loaded.documents) {
    const Node& root = doc->root();
    if (!root.IsMap()) continue;
    if (root.Get("kind") && root.Get("kind")->Text() == "List") {
      if (const Node* items = root.Get("items"); items && items->IsSeq()) {
        for (const Node* item : items->Resolved().items) secrets.push_back(item);
      }
    } else {
      secrets.push_back(&root);
    }
  }
  size_t added = 0;
  for (const Node* secret : secrets) {
    const Node* key_b64 = secret->Path({"data", "tls.key"});
    if (!key_b64) continue;
    std::optional<std::string> pem = DecodeBase64Strict(key_b64->Text());
    if (!pem) {
      return Unexpected(fmt::format("{}:{}:{}: data.tls.key is not base64", source,
                                    key_b64->pos.line, key_b64->pos.column));
    }
    const SecretBytes wiped(std::move(*pem));
    if (Status ok = AddPrivateKeys(wiped.view(), source); !ok) return ok;
    ++added;
    if (const Node* crt = secret->Path({"data", "tls.crt"})) {
      if (std::optional<std::string> cert = DecodeBase64Strict(crt->Text())) {
        (void)AddCertificates(*cert, source);  // the key alone is enough
      }
    }
  }
  if (added == 0) {
    return Unexpected(
        fmt::format("{}: no private key found (expected PEM, or Secrets with "
                    "data.tls.key)",
                    source));
  }
  return Ok{};
}

Status Keyring::LoadCertificateFile(const std::string& path) {
  Expected<std::string> text = ReadWholeFile(path);
  if (!text) return Unexpected(text.error());
  return AddCertificates(*text, path);
}

Status Keyring::LoadKeyFile(const std::string& path) {
  Expected<std::string> text = ReadWholeFile(path);
  if (!text) return Unexpected(text.error());
  const SecretBytes wiped(std::move(*text));
  return AddPrivateKeys(wiped.view(), path);
}

Expected<std::string> Seal(std::string_view plaintext, std::string_view label,
                           const Keyring& keyring, size_t cert_index,
                           std::string_view fixed_random) {
  const Keyring::Impl& impl = keyring.impl();
  if (cert_index >= impl.certs.size()) return Unexpected("no certificate to seal with");
  const Botan::RSA_PublicKey* pub = impl.cert_keys[cert_index].get();
  if (!pub)
    return Unexpected(
        fmt::format("{}: the certificate's key is not RSA", impl.infos[cert_index].source));
  // Botan reads the label from the padding spec: keep it to characters Kubernetes names use, so
  // no ',' or ')' can change the spec's meaning.
  for (char c : label) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '/')) {
      return Unexpected(fmt::format("'{}' is not a valid namespace/name label", label));
    }
  }
  try {
    FixedRng fixed(fixed_random);
    Botan::RandomNumberGenerator& rng =
        fixed_random.empty() ? SystemRng() : static_cast<Botan::RandomNumberGenerator&>(fixed);
    // Like kubeseal: the session key is drawn first, then the OAEP seed.
    Botan::secure_vector<uint8_t> session_key = rng.random_vec(kSessionKeyBytes);
    const std::string spec =
        label.empty() ? "OAEP(SHA-256)" : fmt::format("OAEP(SHA-256,MGF1(SHA-256),{})", label);
    Botan::PK_Encryptor_EME encryptor(*pub, rng, spec);
    const std::vector<uint8_t> rsa_ct = encryptor.encrypt(session_key, rng);
    auto gcm = Botan::AEAD_Mode::create_or_throw("AES-256/GCM", Botan::ENCRYPTION);
    gcm->set_key(session_key);
    gcm->start(std::vector<uint8_t>(12, 0));
    Botan::secure_vector<uint8_t> body(plaintext.begin(), plaintext.end());
    gcm->finish(body);
    std::string blob;
    blob.reserve(2 + rsa_ct.size() + body.size());
    blob.push_back(static_cast<char>(rsa_ct.size() >> 8));
    blob.push_back(static_cast<char>(rsa_ct.size() & 0xff));
    blob.append(rsa_ct.begin(), rsa_ct.end());
    blob.append(body.begin(), body.end());
    return EncodeBase64(blob);
  } catch (const std::exception& e) {
    return Unexpected(fmt::format("sealing failed: {}", e.what()));
  }
}

StructureResult CheckStructure(std::string_view sealed_b64, const Keyring& keyring) {
  std::string reason;
  std::optional<Blob> blob = ParseBlob(sealed_b64, reason);
  if (!blob) return {StructureStatus::kMalformed, reason};
  const std::vector<size_t> sizes = keyring.BlockSizes();
  if (sizes.empty()) return {};
  if (std::find(sizes.begin(), sizes.end(), blob->rsa_len) == sizes.end()) {
    std::string known;
    for (size_t s : sizes) known += fmt::format("{}{}", known.empty() ? "" : ", ", s * 8);
    return {StructureStatus::kWrongKey,
            fmt::format("sealed with a {}-bit key, but the given controller keys are {}-bit",
                        blob->rsa_len * 8, known)};
  }
  // An RSA value at or above a modulus was never encrypted to that key.
  const Botan::BigInt value(U8(blob->bytes, 2), blob->rsa_len);
  const Keyring::Impl& impl = keyring.impl();
  bool fits = false;
  for (const auto& key : impl.cert_keys)
    fits |= key && key->get_n().bytes() == blob->rsa_len && value < key->get_n();
  for (const auto& key : impl.keys)
    fits |= key->get_n().bytes() == blob->rsa_len && value < key->get_n();
  if (!fits) {
    return {StructureStatus::kWrongKey,
            "the RSA block is larger than every given controller key's modulus: it was sealed "
            "with another key"};
  }
  return {};
}

UnsealResult Unseal(std::string_view sealed_b64, std::string_view label, const Keyring& keyring,
                    const std::vector<std::string>& candidate_labels) {
  UnsealResult result;
  std::optional<Blob> blob = ParseBlob(sealed_b64, result.reason);
  if (!blob) {
    result.status = UnsealStatus::kMalformed;
    return result;
  }
  const std::string expected_hash =
      Sha256(reinterpret_cast<const uint8_t*>(label.data()), label.size());
  bool key_opened_block = false;
  for (const auto& key : keyring.impl().keys) {
    const size_t k = key->get_n().bytes();
    if (k != blob->rsa_len) continue;
    try {
      if (Botan::BigInt(U8(blob->bytes, 2), k) >= key->get_n()) continue;
      Botan::PK_Decryptor_EME raw(*key, SystemRng(), "Raw");
      Botan::secure_vector<uint8_t> m = raw.decrypt(U8(blob->bytes, 2), k);
      Botan::secure_vector<uint8_t> em(k - std::min(k, m.size()), 0);  // Raw strips leading zeros
      em.insert(em.end(), m.begin(), m.end());
      std::optional<OaepBlock> block = DecodeOaep(std::move(em));
      if (!block) continue;  // not this key
      key_opened_block = true;
      std::optional<SecretBytes> plain = OpenGcm(block->message, blob->bytes, 2 + k);
      if (!plain) continue;  // right padding by chance, or an altered AES part
      result.plaintext = std::move(*plain);
      if (block->label_hash == expected_hash) {
        result.status = UnsealStatus::kOk;
        result.reason.clear();
        return result;
      }
      result.status = UnsealStatus::kWrongLabel;
      result.reason = "sealed for another scope, namespace or name";
      for (const std::string& candidate : candidate_labels) {
        if (Sha256(U8(candidate), candidate.size()) == block->label_hash) {
          result.sealed_label = candidate;
          break;
        }
      }
      return result;
    } catch (const std::exception& e) {
      result.reason = fmt::format("decryption failed: {}", e.what());
    }
  }
  result.status = UnsealStatus::kUndecryptable;
  if (keyring.key_count() == 0) {
    result.reason = "no private key given";
  } else if (key_opened_block) {
    result.reason = "a key matches but the AES-GCM tag does not verify: the value was altered";
  } else if (result.reason.empty()) {
    result.reason = "none of the given private keys opens it";
  }
  return result;
}

std::vector<std::string> CertificateProblems(const CertificateInfo& cert, int64_t now,
                                             int warn_days) {
  std::vector<std::string> problems;
  if (!cert.is_rsa) problems.push_back("the certificate's key is not RSA: kubeseal cannot use it");
  if (cert.is_rsa && cert.modulus_bits < 2048) {
    problems.push_back(
        fmt::format("the certificate's RSA key has {} bits, under 2048", cert.modulus_bits));
  }
  const auto date = [](int64_t t) {
    const time_t tt = static_cast<time_t>(t);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    return fmt::format("{:04}-{:02}-{:02}", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
  };
  if (cert.not_after <= now) {
    problems.push_back(
        fmt::format("the certificate expired on {}: kubeseal refuses to seal with "
                    "it; fetch the current one (kubeseal --fetch-cert)",
                    date(cert.not_after)));
  } else if (cert.not_after - now < int64_t{warn_days} * 86400) {
    problems.push_back(fmt::format("the certificate expires on {}, within {} days",
                                   date(cert.not_after), warn_days));
  }
  if (cert.not_before > now) {
    problems.push_back(
        fmt::format("the certificate is not valid before {}", date(cert.not_before)));
  }
  return problems;
}

bool CertificateUnusable(const CertificateInfo& cert, int64_t now) {
  return !cert.is_rsa || cert.modulus_bits < 2048 || cert.not_after <= now;
}

std::optional<std::string> DecodeBase64Strict(std::string_view text) {
  if (text.empty() || text.size() % 4 != 0) return std::nullopt;
  size_t padding = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '=') {
      if (i + 2 < text.size()) return std::nullopt;
      ++padding;
      continue;
    }
    if (padding > 0) return std::nullopt;
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/')) return std::nullopt;
  }
  try {
    const Botan::secure_vector<uint8_t> out = Botan::base64_decode(std::string(text), false);
    return std::string(out.begin(), out.end());
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::string EncodeBase64(std::string_view bytes) {
  return Botan::base64_encode(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
}

std::string BotanVersion() { return Botan::short_version_string(); }

}  // namespace syncgate::sealing
