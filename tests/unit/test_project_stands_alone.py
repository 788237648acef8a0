"""The project stands alone: a clone has nothing beside it, so no file may reach outside it."""

from __future__ import annotations

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Spelled in two pieces so this file does not match itself.
OUTSIDE = ".." + "/shared"


def _tracked_files() -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.split(b"\0")
    return [ROOT / name.decode() for name in listed if name]


def test_no_file_refers_to_the_folder_beside_the_repository() -> None:
    offenders = []
    for path in _tracked_files():
        if not path.is_file():
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        if OUTSIDE in text:
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == [], f"files that refer to {OUTSIDE}: {offenders}"


def test_the_contract_and_the_stripe_fixtures_are_in_the_repository() -> None:
    assert (ROOT / "docs" / "api.md").is_file()
    assert (ROOT / "tests" / "fixtures" / "stripe" / "fixtures3.json").is_file()
