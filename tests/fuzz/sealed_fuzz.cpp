// Fuzz target for SealedSecret handling: the YAML object (name, scope, encryptedData), the sealed
// envelope (base64, length prefix, RSA-OAEP block, AES-GCM part) and unsealing with the test
// controller key (tests/sealing/keys, TEST-ONLY). Invariants: what CheckStructure calls malformed
// Unseal never opens; a value opens only under a label; sealing any bytes and unsealing them
// gives the same bytes back; reasons never carry the plaintext.
#include <cstdlib>
#include <string>

#include "checker/document.h"
#include "model/sealed_secret.h"
#include "sealing/sealed_secrets.h"
#include "tests/fuzz/fuzz_target.h"

namespace {

using namespace syncgate;

const sealing::Keyring& TestKeyring() {
  static const sealing::Keyring ring = [] {
    sealing::Keyring keys;
    const std::string dir = std::string(SYNCGATE_SOURCE_DIR) + "/tests/sealing/keys/";
    // Without its key the target would test nothing: stop at once, saying why.
    if (!keys.LoadCertificateFile(dir + "test-controller.crt") ||
        !keys.LoadKeyFile(dir + "test-controller.key")) {
      std::fprintf(stderr, "sealed_fuzz: cannot load %s test-controller.crt/.key\n", dir.c_str());
      std::abort();
    }
    return keys;
  }();
  return ring;
}

void CheckValue(std::string_view sealed_b64, const std::string& label) {
  const sealing::Keyring& ring = TestKeyring();
  const sealing::StructureResult structure = sealing::CheckStructure(sealed_b64, ring);
  const std::vector<std::string> candidates = {label, "", "fuzz", "fuzz/other"};
  const sealing::UnsealResult opened = sealing::Unseal(sealed_b64, label, ring, candidates);
  if (structure.status == sealing::StructureStatus::kMalformed)
    FUZZ_CHECK(opened.status == sealing::UnsealStatus::kMalformed,
               "CheckStructure says malformed, Unseal does not");
  if (opened.status == sealing::UnsealStatus::kOk ||
      opened.status == sealing::UnsealStatus::kWrongLabel) {
    FUZZ_CHECK(structure.status == sealing::StructureStatus::kOk, "opened a value that is not ok");
    if (opened.plaintext.size() >= 8)
      FUZZ_CHECK(opened.reason.find(opened.plaintext.view()) == std::string::npos,
                 "reason carries the plaintext");
  } else {
    FUZZ_CHECK(opened.plaintext.size() == 0, "plaintext without opening");
  }
  if (opened.status == sealing::UnsealStatus::kWrongLabel && opened.sealed_label)
    FUZZ_CHECK(*opened.sealed_label != label, "wrong label that is the expected one");
}

}  // namespace

SYNCGATE_FUZZ_TARGET(sealed) {
  const std::string_view input = fuzz::AsText(data, size);

  // Base64 both ways.
  const std::string encoded = sealing::EncodeBase64(input);
  const std::optional<std::string> decoded = sealing::DecodeBase64Strict(encoded);
  // Empty text is no sealed value (DecodeBase64Strict refuses it, so "the value is empty").
  FUZZ_CHECK(input.empty() ? !decoded : decoded && *decoded == input, "base64 does not round-trip");

  // The input as a sealed value, and as the envelope's bytes.
  CheckValue(input, "fuzz/secret");
  CheckValue(encoded, "fuzz/secret");

  // Sealing round trip, for some inputs only (RSA is slow): the session key and OAEP seed come
  // from the input, so a failure reproduces.
  if (size > 0 && size <= 512 && data[0] % 8 == 0) {
    std::string random(64, '\0');
    for (size_t i = 0; i < random.size(); ++i) random[i] = static_cast<char>(data[i % size] + i);
    const Expected<std::string> sealed =
        sealing::Seal(input, "fuzz/secret", TestKeyring(), 0, random);
    FUZZ_CHECK(sealed.has_value(), "sealing failed");
    if (sealed) {
      const sealing::UnsealResult opened = sealing::Unseal(*sealed, "fuzz/secret", TestKeyring());
      FUZZ_CHECK(opened.status == sealing::UnsealStatus::kOk, "a sealed value does not open");
      FUZZ_CHECK(opened.plaintext.view() == input, "unsealed bytes differ from the sealed ones");
      const sealing::UnsealResult other =
          sealing::Unseal(*sealed, "fuzz/other", TestKeyring(), {"fuzz/secret"});
      FUZZ_CHECK(other.status == sealing::UnsealStatus::kWrongLabel, "opened under another label");
      FUZZ_CHECK(other.sealed_label && *other.sealed_label == "fuzz/secret",
                 "the label it was sealed for is not found");
    }
  }

  // The input as SealedSecret YAML: every item points at its value, every value is checked.
  auto source = SourceFile::FromText("sealed.yaml", std::string(input));
  LoadResult loaded = LoadYaml(source);
  for (const auto& doc : loaded.documents) {
    const model::SealedObject sealed = model::ReadSealedSecret(*doc);
    for (const model::SealedItem& item : sealed.items) {
      FUZZ_CHECK(item.value != nullptr && doc->Find(item.pointer) != nullptr,
                 "sealed item whose pointer finds nothing");
      if (item.value && item.value->IsScalar())
        CheckValue(item.value->Text(), sealing::LabelFor(sealed.scope, sealed.ns, sealed.name));
    }
    for (const model::ObjectProblem& problem : sealed.problems)
      FUZZ_CHECK(!problem.message.empty(), "problem without a message");
  }
  return 0;
}
