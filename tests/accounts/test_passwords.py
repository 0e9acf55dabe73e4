"""Password hashing: Argon2id, a minimum length, and rehash detection."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from pinpoint.accounts.passwords import (
    generate_password,
    hash_password,
    needs_rehash,
    verify_password,
)
from pinpoint.errors import InvalidInput


def test_a_hash_verifies_its_password_and_no_other() -> None:
    hashed = hash_password("long enough secret")
    assert hashed.startswith("$argon2id$")
    assert "long enough secret" not in hashed
    assert verify_password(hashed, "long enough secret")
    assert not verify_password(hashed, "long enough secreT")


def test_passwords_shorter_than_ten_characters_are_refused() -> None:
    with pytest.raises(InvalidInput) as caught:
        hash_password("123456789")
    assert caught.value.field == "password"
    assert hash_password("1234567890")


def test_a_malformed_hash_never_verifies() -> None:
    assert not verify_password("not a hash", "long enough secret")
    assert needs_rehash("not a hash")


def test_hashes_made_with_other_parameters_need_rehash() -> None:
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash("long enough secret")
    assert verify_password(weak, "long enough secret")
    assert needs_rehash(weak)
    assert not needs_rehash(hash_password("long enough secret"))


def test_generated_passwords_are_long_and_different() -> None:
    first, second = generate_password(), generate_password()
    assert len(first) >= 20
    assert first != second
