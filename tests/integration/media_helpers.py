"""What the media HTTP tests share: an app with a small upload limit on local storage,
uploads, and raw ASGI calls for clients that go away mid-request."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import msgspec

from application.accounts.commands import CreateUserCommand
from application.shared.actor import Actor
from domain.accounts import Role
from entrypoints.containers import Container
from entrypoints.settings import Settings
from tests.integration.conftest import API, PASSWORD, Client, bearer, make_container
from tests.support.fakes import RecordingMailer

# Small, so "one byte over the limit" is quick to send.
MAX_BYTES = 256 * 1024
BOUNDARY = "hexashop-test-boundary"


def media_settings(settings: Settings, tmp_path: Path, **overrides: Any) -> Settings:
    """The test settings with files under tmp_path and the small upload limit."""
    return msgspec.structs.replace(
        settings, media_dir=str(tmp_path / "media"), media_max_bytes=MAX_BYTES, **overrides
    )


def media_container(settings: Settings) -> Container:
    """The production container on these settings, with fast hashing and no mail."""
    return make_container(settings, RecordingMailer())


async def sign_up(
    container: Container, client: Client, email: str, role: Role = Role.CUSTOMER
) -> str:
    """Create a verified user and return an access token."""
    command = CreateUserCommand(email=email, password=PASSWORD, role=role)
    await container.accounts.create_user()(Actor.system(), command)
    response = await client.post(f"{API}/auth/login", json={"email": email, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return str(response.json()["accessToken"])


async def upload(
    client: Client,
    token: str | None,
    content: bytes,
    filename: str = "file.pdf",
    declared: str = "application/octet-stream",
) -> Any:
    """POST /media with the file as a multipart part."""
    headers = bearer(token) if token else {}
    return await client.post(
        f"{API}/media", files={"file": (filename, content, declared)}, headers=headers
    )


def multipart(content: bytes, filename: str = "file.pdf") -> bytes:
    """A multipart/form-data body with one `file` part, boundary BOUNDARY."""
    head = (
        f"--{BOUNDARY}\r\n"
        f'Content-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    return head + content + f"\r\n--{BOUNDARY}--\r\n".encode()


def stored_objects(settings: Settings) -> list[Path]:
    """Every file in the media folder (objects and anything half-written)."""
    root = Path(settings.media_dir)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def scratch_files(settings: Settings) -> list[Path]:
    """Every file or folder left in the scratch folder."""
    root = Path(settings.var_dir) / "tmp"
    return sorted(root.rglob("*")) if root.exists() else []


@dataclass
class RawExchange:
    """One request sent straight to the ASGI app: the body in pieces, then (optionally) the
    client hanging up; what the app sent back."""

    pieces: list[bytes]
    hang_up: bool = True
    # Called before each piece is handed over: lets a test wait for the app to use it.
    received: int = 0
    messages: list[dict[str, Any]] = field(default_factory=list)

    async def receive(self) -> dict[str, Any]:
        """The next piece; after the last, a disconnect (or, without hang_up, wait forever)."""
        if self.received < len(self.pieces):
            piece = self.pieces[self.received]
            self.received += 1
            more = self.received < len(self.pieces) or self.hang_up
            return {"type": "http.request", "body": piece, "more_body": more}
        if self.hang_up:
            return {"type": "http.disconnect"}
        await asyncio.Event().wait()
        raise AssertionError("unreachable")

    async def send(self, message: dict[str, Any]) -> None:
        """Keep what the app sends."""
        self.messages.append(message)

    @property
    def status(self) -> int | None:
        """The response status, if one was started."""
        starts = [m for m in self.messages if m["type"] == "http.response.start"]
        return int(starts[0]["status"]) if starts else None


def http_scope(method: str, path: str, headers: dict[str, str]) -> dict[str, Any]:
    """An ASGI HTTP scope for the app."""
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
        "state": {},
    }


AsgiApp = Callable[[dict[str, Any], Any, Any], Awaitable[None]]
