"""`hexashop serve` runs on uvloop and httptools when they import, on asyncio and h11 when not."""

from __future__ import annotations

import importlib
import sys

import pytest
import uvicorn

from entrypoints.cli.processes import uvicorn_options
from entrypoints.settings import Settings

SETTINGS = Settings(app_env="test", jwt_secret="x" * 40)


async def _app(scope: object, receive: object, send: object) -> None:
    """A do-nothing ASGI app: only the server's choices are under test."""


def _chosen(monkeypatch: pytest.MonkeyPatch) -> tuple[str, str]:
    """(HTTP protocol class, event loop class) uvicorn picks with serve's options."""
    # uvicorn's auto HTTP module decides at import: import it afresh under the patched modules.
    monkeypatch.delitem(sys.modules, "uvicorn.protocols.http.auto", raising=False)
    importlib.import_module("uvicorn.protocols.http.auto")
    config = uvicorn.Config(_app, **uvicorn_options(SETTINGS))
    config.load()
    factory = config.get_loop_factory()
    assert factory is not None
    loop = factory()
    try:
        return config.http_protocol_class.__name__, type(loop).__module__
    finally:
        loop.close()


def test_serve_uses_uvloop_and_httptools_when_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    # Both are declared dependencies (uvloop off Windows): they must be importable here.
    importlib.import_module("uvloop")
    importlib.import_module("httptools")

    protocol, loop_module = _chosen(monkeypatch)

    assert protocol == "HttpToolsProtocol"
    assert loop_module.startswith("uvloop")


def test_serve_falls_back_to_asyncio_and_h11_without_them(monkeypatch: pytest.MonkeyPatch) -> None:
    # None in sys.modules makes `import uvloop` raise ImportError, as on a machine without it.
    monkeypatch.setitem(sys.modules, "uvloop", None)
    monkeypatch.setitem(sys.modules, "httptools", None)

    protocol, loop_module = _chosen(monkeypatch)

    assert protocol == "H11Protocol"
    assert loop_module.startswith("asyncio")
