"""Password hashing with Argon2id (argon2-cffi's recommended parameters).

Only hashes are stored. ``verify_password`` never raises for a wrong or malformed hash;
``needs_rehash`` tells the caller to store a fresh hash after a successful login when the
parameters have changed since the hash was made.
"""

from __future__ import annotations

import secrets
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from pinpoint.errors import InvalidInput

MIN_LENGTH = 10
MAX_LENGTH = 1024  # hashing is deliberately slow; refuse absurd inputs before it


@cache
def _hasher() -> PasswordHasher:
    return PasswordHasher()


def check_password_strength(password: str) -> None:
    """Raise InvalidInput (field ``password``) unless the password is long enough."""
    if len(password) < MIN_LENGTH:
        raise InvalidInput(f"password must be at least {MIN_LENGTH} characters", field="password")
    if len(password) > MAX_LENGTH:
        raise InvalidInput(f"password must be at most {MAX_LENGTH} characters", field="password")


def hash_password(password: str) -> str:
    """An Argon2id hash of a password that passes ``check_password_strength``."""
    check_password_strength(password)
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """True when the password matches the hash; False for a mismatch or a bad hash."""
    if len(password) > MAX_LENGTH:
        return False
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with other parameters than the current ones."""
    try:
        return _hasher().check_needs_rehash(password_hash)
    except InvalidHashError:
        return True


@cache
def dummy_hash() -> str:
    """A hash to verify against when the account does not exist (equal timing)."""
    return _hasher().hash(secrets.token_urlsafe(16))


def generate_password() -> str:
    """A strong random password (about 128 bits), for accounts created without one."""
    return secrets.token_urlsafe(16)
