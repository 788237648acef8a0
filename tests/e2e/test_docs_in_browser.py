"""The interactive docs in a real browser with no network but the server, and no server banner.

Headless Chromium (Debian's `chromium`; `.ci/run` installs it) resolves every host but
127.0.0.1 to nothing, so a page that still fetched Swagger UI from a CDN would stay blank.
`--dump-dom` prints the page once its scripts have run (within a virtual-time budget), and
`--enable-logging=stderr` shows the console, where CSP refusals and failed fetches appear.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.e2e.process import serving

pytestmark = pytest.mark.e2e

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
OFFLINE_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    """One `hexashop serve` for this module, on make run's defaults."""
    workdir = tmp_path_factory.mktemp("docs-server")
    with serving(workdir, workdir / "server.log") as (client, _):
        yield client


def test_the_real_server_names_no_software(server: httpx.Client) -> None:
    for path in ("/health/live", "/no/such/route", "/schema", "/api/v1/me"):
        response = server.get(path)

        assert "server" not in response.headers, path
        assert response.headers["x-content-type-options"] == "nosniff", path


def test_the_docs_list_the_operations_with_no_internet(
    server: httpx.Client, tmp_path: Path
) -> None:
    assert Path(CHROMIUM).exists(), "chromium is missing: apt-get install -y chromium"

    browser = subprocess.run(
        [
            CHROMIUM,
            *OFFLINE_FLAGS,
            f"--user-data-dir={tmp_path / 'profile'}",
            "--enable-logging=stderr",
            "--v=0",
            "--virtual-time-budget=10000",
            "--dump-dom",
            f"{server.base_url}/api-docs",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    # Swagger UI renders one block per operation, its path in data-path; the old page only
    # carried the paths inside the JSON of its (never run) inline script.
    operations = set(re.findall(r'data-path="([^"]+)"', browser.stdout))
    console = [line for line in browser.stderr.splitlines() if "CONSOLE" in line]
    assert {"/api/v1/auth/login", "/api/v1/orders", "/api/v1/products/{id}"} <= operations, (
        browser.stderr[-3000:]
    )
    assert not [line for line in console if "Content Security Policy" in line or "ERR_" in line], (
        console
    )
