"""No secret is tracked: nothing under a `var/` folder (the data directory holds the database and
the secret key) or a `…-keys/` folder beside it (the field keys), and nothing in a tracked file
that looks like a key."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
KEY_FILE_NAMES = {"secret_key", "field_keys", "id_rsa", "id_ed25519", ".env"}
LOOKS_LIKE_A_KEY = [
    re.compile(rb"-----BEGIN [A-Z ]*PRIVATE KEY-----"),
    # A Fernet key (32 bytes, urlsafe base64) standing alone, as a key file or a setting holds it.
    re.compile(rb"(?<![A-Za-z0-9_\-])[A-Za-z0-9_\-]{43}=(?![A-Za-z0-9_\-=])"),
    re.compile(rb"LINLI_(SECRET_KEY|FIELD_KEYS)\s*=\s*['\"]?[A-Za-z0-9_\-]{20,}"),
]


def tracked_files() -> list[str]:
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    listed = subprocess.run(  # noqa: S603
        ["git", "ls-files", "-z"],  # noqa: S607
        cwd=ROOT,
        capture_output=True,
        check=True,
    )
    return [name for name in listed.stdout.decode().split("\0") if name]


def test_nothing_under_a_var_folder_or_named_like_a_key_file_is_tracked():
    files = tracked_files()
    assert files
    assert [name for name in files if "var" in Path(name).parts[:-1]] == []
    # The keys' own folder beside the data folder (`<data>-keys/`).
    assert [name for name in files if any(p.endswith("-keys") for p in Path(name).parts[:-1])] == []
    assert [name for name in files if Path(name).name in KEY_FILE_NAMES] == []


def test_no_tracked_file_holds_something_that_looks_like_a_key():
    found = []
    for name in tracked_files():
        path = ROOT / name
        if not path.is_file() or path.suffix in {".mo", ".png", ".ttf", ".otf", ".woff2"}:
            continue
        content = path.read_bytes()
        found += [name for pattern in LOOKS_LIKE_A_KEY if pattern.search(content)]
    assert found == []


def test_the_checks_would_catch_a_key():
    from cryptography.fernet import Fernet

    assert LOOKS_LIKE_A_KEY[1].search(b"keys = " + Fernet.generate_key())
    # Spelled in two parts so that this file itself holds nothing key-like.
    assert LOOKS_LIKE_A_KEY[2].search(b"LINLI_SECRET" + b"_KEY=abcdefghijklmnopqrstuvwxyz")
    assert not LOOKS_LIKE_A_KEY[1].search(b"sha256:" + b"a" * 64)
