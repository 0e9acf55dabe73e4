"""Care tests hash passwords with cheap Argon2 parameters (real ones take ~0.1 s)."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from pinpoint.accounts import passwords

_CHEAP = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


@pytest.fixture(autouse=True)
def cheap_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(passwords, "_hasher", lambda: _CHEAP)
