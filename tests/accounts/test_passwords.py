"""Password hashing (Argon2id, rehash detection) and what a new password must be."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from pinpoint.accounts.passwords import (
    check_password_strength,
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
    with pytest.raises(InvalidInput, match="at least 10") as caught:
        check_password_strength("kX9#mQ2!v")
    assert caught.value.field == "password"
    check_password_strength("kX9#mQ2!vL")


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        (" " * 10, "only spaces"),
        ("\t \n" * 4, "only spaces"),
        ("a" * 10, "repeat one character"),
        ("9" * 40, "repeat one character"),
        ("password123", "easy to guess"),
        ("qwertyuiop", "easy to guess"),
        ("1234567890", "easy to guess"),
        ("abcabcabcabc", "easy to guess"),
        ("ana@example.org", "easy to guess"),
    ],
)
def test_weak_passwords_are_refused_with_the_reason(password: str, reason: str) -> None:
    with pytest.raises(InvalidInput, match=reason) as caught:
        check_password_strength(password, user_inputs=("ana@example.org",))
    assert caught.value.field == "password"


def test_the_accounts_own_email_and_clinic_count_as_guessable_words() -> None:
    check_password_strength("frontrangept2026")  # fine for a stranger...
    with pytest.raises(InvalidInput, match="easy to guess"):
        check_password_strength(
            "frontrangept2026", user_inputs=("ana@example.org", "Front Range PT")
        )


@pytest.mark.parametrize(
    "password", ["correct horse battery staple", "kX9#mQ2!vL", "a long passphrase"]
)
def test_strong_passwords_and_passphrases_pass(password: str) -> None:
    check_password_strength(password)


def test_a_long_password_is_checked_quickly_and_accepted() -> None:
    check_password_strength("Zebra-violin-" * 70)


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
