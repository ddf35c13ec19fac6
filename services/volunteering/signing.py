"""Signatures on certificates: Ed25519 (PyNaCl, libsodium's).

Ed25519 because a certificate is checked by people and programs outside the
platform: they need the public key only (published with every verification),
never a secret, and a signature is 64 bytes that fit a QR code. What is
signed is the certificate's content as canonical JSON (sorted keys, no
spaces, UTF-8), so the same content always gives the same bytes, whoever
re-encodes it. Pure: the key (a hex seed, kept like the JWT secret) is an
argument.
"""
import base64
import binascii
import json

from nacl.exceptions import BadSignatureError
from nacl.signing import SigningKey, VerifyKey


def canonical(content):
    """The bytes signed: ``content`` (JSON types only) in one spelling."""
    return json.dumps(content, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False).encode("utf-8")


def sign(seed_hex, content):
    """The signature of ``content``, base64url without padding."""
    signature = SigningKey(bytes.fromhex(seed_hex)).sign(canonical(content)).signature
    return base64.urlsafe_b64encode(signature).decode("ascii").rstrip("=")


def public_key(seed_hex):
    """The public half, hex: what anyone checks a signature with."""
    return SigningKey(bytes.fromhex(seed_hex)).verify_key.encode().hex()


def verify(public_key_hex, content, signature):
    """Whether ``signature`` is this key's over exactly ``content``; False for
    anything else, including a signature that is not one."""
    try:
        raw = base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4))
        VerifyKey(bytes.fromhex(public_key_hex)).verify(canonical(content), raw)
        return True
    except (BadSignatureError, binascii.Error, ValueError, TypeError):
        return False
