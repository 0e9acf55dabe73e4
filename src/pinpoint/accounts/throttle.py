"""Counting failed logins per email and per client address, atomically on both databases.

One row per key. A failure is counted with a single ``INSERT ... ON CONFLICT DO UPDATE``
that also restarts an expired window, so simultaneous failures all count and no
read-then-write can lose one. A key whose count reaches its limit inside the window is
locked until the window's lockout ends.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from sqlalchemy import case, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from pinpoint.accounts.models import LoginThrottle

LOCKOUT = timedelta(minutes=15)
MAX_FAILED_PER_EMAIL = 5
# Failed logins from one address, over any accounts, before that address must wait.
MAX_FAILED_PER_ADDRESS = 20


def email_key(email: str) -> str:
    """The key of an email address (hashed: the table never holds the address itself)."""
    return "email:" + hashlib.sha256(email.encode()).hexdigest()


def address_key(client_ip: str) -> str:
    return f"addr:{client_ip}"


def is_locked(session: Session, key: str, moment: datetime) -> bool:
    """Whether ``key`` is inside a lockout at ``moment``."""
    until = session.scalar(select(LoginThrottle.locked_until).where(LoginThrottle.key == key))
    if until is None:
        return False
    if until.tzinfo is None:  # SQLite hands back naive UTC
        return until > moment.replace(tzinfo=None)
    return until > moment


def count_failure(session: Session, key: str, limit: int, moment: datetime) -> bool:
    """Count one failed login for ``key``; True when this failure locks it."""
    window_over = LoginThrottle.window_started_at < moment - LOCKOUT
    insert = (
        postgresql.insert(LoginThrottle)
        if session.get_bind().dialect.name == "postgresql"
        else sqlite.insert(LoginThrottle)
    )
    statement = (
        insert.values(key=key, failures=1, window_started_at=moment, locked_until=None)
        .on_conflict_do_update(
            index_elements=[LoginThrottle.key],
            set_={
                "failures": case((window_over, 1), else_=LoginThrottle.failures + 1),
                "window_started_at": case(
                    (window_over, moment), else_=LoginThrottle.window_started_at
                ),
            },
        )
        .returning(LoginThrottle.failures)
    )
    failures = session.execute(statement).scalar_one()
    if failures < limit:
        return False
    session.execute(
        update(LoginThrottle).where(LoginThrottle.key == key).values(locked_until=moment + LOCKOUT)
    )
    return True


def clear(session: Session, key: str) -> None:
    """Forget the failures of ``key`` (after a successful login)."""
    session.execute(
        update(LoginThrottle).where(LoginThrottle.key == key).values(failures=0, locked_until=None)
    )
