#!/usr/bin/env python3
"""Independent implementation of the Sealed Secrets value format (kubeseal's HybridEncrypt), for
cross-checking syncgate's Botan code. Written from the published scheme, shares no code with it:

    base64( uint16_be(len(rsa)) || RSA-OAEP(SHA-256, MGF1-SHA-256, label)(session key[32])
            || AES-256-GCM(session key, nonce = 12 zero bytes, no AAD)(plaintext) || tag )
    label = "<ns>/<name>" (strict) | "<ns>" (namespace-wide) | "" (cluster-wide)

Usage (plaintexts travel by stdin or file, and are never printed):
    kubeseal_compat.py seal CERT LABEL           < plaintext      -> sealed base64
    kubeseal_compat.py check KEY LABEL EXPECTED  < sealed base64  -> "match" / "mismatch" / "fail"
    kubeseal_compat.py check-yaml KEY FILE EXPECTED_YAML            -> one line per key
        FILE: SealedSecret(s); the label comes from each object's metadata and scope annotations.
        EXPECTED_YAML: a plain Secret whose stringData/data gives the expected values.
    kubeseal_compat.py keygen BITS DAYS KEY CERT  -> a controller-like key pair (test use only)
"""
import base64
import datetime
import sys

import yaml
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

ZERO_NONCE = b"\x00" * 12


def oaep(label: bytes):
    return padding.OAEP(mgf=padding.MGF1(hashes.SHA256()), algorithm=hashes.SHA256(),
                        label=label or None)


def seal(cert_pem: bytes, plaintext: bytes, label: bytes) -> str:
    import os
    pub = x509.load_pem_x509_certificate(cert_pem).public_key()
    session_key = os.urandom(32)
    rsa_ct = pub.encrypt(session_key, oaep(label))
    body = AESGCM(session_key).encrypt(ZERO_NONCE, plaintext, None)
    return base64.b64encode(len(rsa_ct).to_bytes(2, "big") + rsa_ct + body).decode()


def unseal(key_pem: bytes, sealed_b64: str, label: bytes) -> bytes:
    priv = serialization.load_pem_private_key(key_pem, password=None)
    blob = base64.b64decode(sealed_b64, validate=True)
    rsa_len = int.from_bytes(blob[:2], "big")
    session_key = priv.decrypt(blob[2:2 + rsa_len], oaep(label))
    return AESGCM(session_key).decrypt(ZERO_NONCE, blob[2 + rsa_len:], None)


def label_of(obj) -> bytes:
    meta = obj.get("metadata") or {}
    ann = meta.get("annotations") or {}
    ns, name = meta.get("namespace", ""), meta.get("name", "")
    if ann.get("sealedsecrets.bitnami.com/cluster-wide") == "true":
        return b""
    if ann.get("sealedsecrets.bitnami.com/namespace-wide") == "true":
        return ns.encode()
    return f"{ns}/{name}".encode()


def expected_values(secret) -> dict:
    values = {k: base64.b64decode(v) for k, v in (secret.get("data") or {}).items()}
    values.update({k: str(v).encode() for k, v in (secret.get("stringData") or {}).items()})
    return values


def keygen(bits: int, days: int, key_path: str, cert_path: str) -> None:
    priv = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    now = datetime.datetime.now(datetime.timezone.utc)
    start = now if days > 0 else now + datetime.timedelta(days=days - 30)
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([])).issuer_name(x509.Name([]))
            .public_key(priv.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(start).not_valid_after(now + datetime.timedelta(days=days))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(priv, hashes.SHA256()))
    with open(key_path, "wb") as out:
        out.write(priv.private_bytes(serialization.Encoding.PEM,
                                     serialization.PrivateFormat.TraditionalOpenSSL,
                                     serialization.NoEncryption()))
    with open(cert_path, "wb") as out:
        out.write(cert.public_bytes(serialization.Encoding.PEM))


def main(argv) -> int:
    cmd = argv[1]
    if cmd == "seal":
        print(seal(open(argv[2], "rb").read(), sys.stdin.buffer.read(), argv[3].encode()))
    elif cmd == "check":
        key, label, expected = open(argv[2], "rb").read(), argv[3].encode(), argv[4].encode()
        try:
            print("match" if unseal(key, sys.stdin.read().strip(), label) == expected else "mismatch")
        except Exception:  # noqa: BLE001 - any failure to open is the answer
            print("fail")
    elif cmd == "check-yaml":
        key = open(argv[2], "rb").read()
        want = expected_values(yaml.safe_load(open(argv[4])))
        for obj in yaml.safe_load_all(open(argv[3])):
            for k, v in sorted((obj.get("spec", {}).get("encryptedData") or {}).items()):
                try:
                    verdict = "match" if unseal(key, v, label_of(obj)) == want.get(k) else "mismatch"
                except Exception:  # noqa: BLE001
                    verdict = "fail"
                print(f"{k}: {verdict}")
    elif cmd == "keygen":
        keygen(int(argv[2]), int(argv[3]), argv[4], argv[5])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
