"""The providers' client secrets, encrypted at rest (Fernet under a key derived from SECRET_KEY).

Why encrypted rather than hashed: the portal must send the secret to the provider's token
endpoint, so it needs it back; why derived from SECRET_KEY rather than a key of its own: one
secret to keep in production, and a database copy without the app's key cannot reveal the
secrets. Rotating SECRET_KEY makes the stored secrets unreadable: `reveal` answers None and the
settings page asks for the secret again. Pages never show a stored secret, only that one is set.
"""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

__all__ = ["reveal", "seal"]

_INFO = b"flywheel sso client secret v1"


def _fernet(secret_key: str) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(
        secret_key.encode()
    )
    return Fernet(base64.urlsafe_b64encode(key))


def seal(secret: str, secret_key: str) -> str:
    """The stored form of a client secret."""
    return _fernet(secret_key).encrypt(secret.encode()).decode("ascii")


def reveal(sealed: str, secret_key: str) -> str | None:
    """The client secret back, or None when it cannot be read (empty, or SECRET_KEY changed)."""
    if not sealed:
        return None
    try:
        return _fernet(secret_key).decrypt(sealed.encode("ascii")).decode()
    except (InvalidToken, ValueError):
        return None
