"""SHA-256 checksums beside backup files, in the format ``sha256sum`` writes and checks."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from pinpoint.errors import InvalidInput

CHUNK = 1 << 20
_LINE = re.compile(r"^(?P<digest>[0-9a-fA-F]{64}) [ *](?P<name>.+)$")


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def checksum_path(path: Path) -> Path:
    """``FILE.sha256`` beside ``FILE``."""
    return path.with_name(path.name + ".sha256")


def checksum_line(digest: str, path: Path) -> str:
    """One ``sha256sum`` line; ``sha256sum -c FILE.sha256`` checks it from FILE's folder."""
    return f"{digest}  {path.name}\n"


def expected_digest(path: Path) -> str | None:
    """The digest ``FILE.sha256`` records for FILE, or None when there is no such file."""
    sums = checksum_path(path)
    try:
        text = sums.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"cannot read the checksum file {sums} ({exc})") from exc
    matches = [m for m in map(_LINE.match, text.splitlines()) if m]
    named = [m for m in matches if m["name"].strip() == path.name]
    chosen = named or (matches if len(matches) == 1 else [])
    if not chosen:
        raise InvalidInput(f"the checksum file {sums} has no sha256sum line for {path.name}")
    return chosen[0]["digest"].lower()


def verify(path: Path, copy: Path | None = None) -> tuple[str, bool]:
    """The digest of ``copy`` (by default ``path`` itself), and whether ``path.sha256``
    was there to check it against; a mismatch is refused.

    Checking the copy that will be used, not the original read a second time, means what
    is restored is exactly what was verified.
    """
    actual = sha256_of(copy or path)
    expected = expected_digest(path)
    if expected is not None and expected != actual:
        raise InvalidInput(
            f"checksum mismatch: {path} has SHA-256 {actual} but {checksum_path(path)} "
            f"records {expected}; the file is damaged or not the one the checksum was made for"
        )
    return actual, expected is not None
