"""Password hashing with Argon2id (argon2-cffi's recommended parameters).

Only hashes are stored. ``verify_password`` never raises for a wrong or malformed hash;
``needs_rehash`` tells the caller to store a fresh hash after a successful login when the
parameters have changed since the hash was made.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Sequence
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn import zxcvbn

from pinpoint.errors import InvalidInput

MIN_LENGTH = 10
MIN_STRENGTH = 3  # zxcvbn's 0-4 scale: 3 is "safely unguessable", about 10^10 guesses
_ESTIMATE_PREFIX = 72  # zxcvbn scores at most 72 characters; a longer password is scored on these
MAX_LENGTH = 1024  # hashing is deliberately slow; refuse absurd inputs before it


@cache
def _hasher() -> PasswordHasher:
    return PasswordHasher()


def check_password_strength(password: str, user_inputs: Sequence[str] = ()) -> None:
    """Raise InvalidInput (field ``password``) unless the password is hard to guess.

    Besides the length limits, the password must not be blank, one repeated character, or
    easy for zxcvbn (a maintained estimator that knows common passwords, words, names,
    keyboard patterns, dates and repeats) to guess: it needs a score of at least
    ``MIN_STRENGTH`` of 4. ``user_inputs`` (the email, the clinic) count as known words.
    """
    if len(password) < MIN_LENGTH:
        raise InvalidInput(f"password must be at least {MIN_LENGTH} characters", field="password")
    if len(password) > MAX_LENGTH:
        raise InvalidInput(f"password must be at most {MAX_LENGTH} characters", field="password")
    if not password.strip():
        raise InvalidInput("password must not be only spaces", field="password")
    if len(set(password)) == 1:
        raise InvalidInput("password must not repeat one character", field="password")
    words = [part for text in user_inputs for part in _words(text)]
    verdict = zxcvbn(password[:_ESTIMATE_PREFIX], user_inputs=words)
    if verdict["score"] < MIN_STRENGTH:
        hint = verdict["feedback"]["warning"] or "it is easy to guess"
        raise InvalidInput(
            f"password is too easy to guess: {hint.rstrip('.')}; use a longer passphrase of "
            "uncommon words",
            field="password",
        )


def _words(text: str) -> list[str]:
    """A user input as zxcvbn's known words: itself, its parts, and its parts run together."""
    parts = [w for w in re.split(r"[^0-9a-z]+", text.lower()) if w]
    return [text.lower(), *parts, "".join(parts)] if parts else []


def hash_password(password: str) -> str:
    """An Argon2id hash of a password (callers setting a new password check its strength
    first; a login re-hashing a stored password must not refuse it)."""
    if len(password) > MAX_LENGTH:
        raise InvalidInput(f"password must be at most {MAX_LENGTH} characters", field="password")
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
