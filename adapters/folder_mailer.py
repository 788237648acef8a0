"""A mail transport for development: every email becomes an .eml file in a folder."""

from __future__ import annotations

import os
import re
import tempfile
from datetime import UTC, datetime
from email.headerregistry import Address
from email.message import EmailMessage as MimeMessage
from email.utils import format_datetime, make_msgid, parseaddr
from functools import partial
from pathlib import Path

import anyio.to_thread

from adapters.mail_address import ensure_bare_recipient
from application.messaging.ports import MailDeliveryError
from domain.messages import EmailMessage

_UNSAFE_FILENAME_CHARS = re.compile(r"[^A-Za-z0-9._@-]")


class FolderMailer:
    """Writes each email atomically as an RFC 5322 file named `<UTC timestamp>-<message id>.eml`."""

    def __init__(self, folder: str, sender: str) -> None:
        self._folder = Path(folder)
        self._sender = sender
        # An explicit domain, because make_msgid() would otherwise look up the host's FQDN.
        self._msgid_domain = parseaddr(sender)[1].rpartition("@")[2] or "hexashop.local"

    async def send(self, message: EmailMessage) -> str:
        """Write the email to the folder; return its Message-ID."""
        return await anyio.to_thread.run_sync(partial(self._write, message))

    async def check(self) -> None:
        """Raise MailDeliveryError unless the folder exists (or can be made) and is writable."""
        await anyio.to_thread.run_sync(self._probe)

    def _write(self, message: EmailMessage) -> str:
        ensure_bare_recipient(message.to)
        now = datetime.now(UTC)
        try:
            mime = self._render(message, now)
            message_id = str(mime["Message-ID"])
            name = f"{now:%Y%m%dT%H%M%S%fZ}-{_UNSAFE_FILENAME_CHARS.sub('_', message_id)}.eml"
            self._folder.mkdir(parents=True, exist_ok=True)
            _write_atomically(self._folder / name, bytes(mime))
        except (OSError, ValueError) as exc:
            # ValueError: a header with a line break, refused rather than injected.
            raise MailDeliveryError(f"cannot write mail to folder: {type(exc).__name__}") from exc
        return message_id

    def _render(self, message: EmailMessage, now: datetime) -> MimeMessage:
        mime = MimeMessage()
        mime["From"] = self._sender
        # Built from its parts, so the header holds exactly this one mailbox.
        local, _, domain = message.to.rpartition("@")
        mime["To"] = Address(username=local, domain=domain)
        mime["Subject"] = message.subject
        mime["Date"] = format_datetime(now)
        mime["Message-ID"] = make_msgid(domain=self._msgid_domain)
        mime["X-Hexashop-Kind"] = message.kind
        mime.set_content(message.text_body)
        return mime

    def _probe(self) -> None:
        try:
            self._folder.mkdir(parents=True, exist_ok=True)
            with tempfile.TemporaryFile(dir=self._folder):
                pass
        except OSError as exc:
            raise MailDeliveryError(f"mail folder is not writable: {type(exc).__name__}") from exc


def _write_atomically(path: Path, data: bytes) -> None:
    """Write to a hidden temporary file in the same folder, then rename it into place.

    Readers never see a half-written .eml: os.replace is atomic within one filesystem.
    """
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as tmp:
            tmp.write(data)
            tmp.flush()
            os.fsync(tmp.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
