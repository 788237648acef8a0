"""Amazon SES (API v2) mail transport through boto3, run in worker threads."""

from __future__ import annotations

import threading
from functools import partial
from typing import Any

import anyio.to_thread
import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from adapters.mail_address import ensure_bare_recipient
from application.messaging.ports import MailDeliveryError
from domain.messages import EmailMessage


class SesMailer:
    """Sends plain-text emails with SES `SendEmail`; returns SES's MessageId."""

    def __init__(
        self,
        sender: str,
        region: str,
        endpoint_url: str | None = None,
        connect_timeout: float = 3.0,
        read_timeout: float = 10.0,
        max_attempts: int = 2,
    ) -> None:
        self._sender = sender
        self._region = region
        self._endpoint_url = endpoint_url
        # Short timeouts and few retries: the outbox retries with backoff, so a down endpoint
        # should fail one dispatch quickly rather than hold a worker thread for a minute.
        self._config = Config(
            connect_timeout=connect_timeout,
            read_timeout=read_timeout,
            retries={"max_attempts": max_attempts, "mode": "standard"},
        )
        self._client: Any = None
        self._client_lock = threading.Lock()

    async def send(self, message: EmailMessage) -> str:
        """Hand the email to SES, or raise MailDeliveryError."""
        return await anyio.to_thread.run_sync(partial(self._send_blocking, message))

    async def check(self) -> None:
        """Raise MailDeliveryError when SES cannot be reached or refuses our credentials."""
        await anyio.to_thread.run_sync(self._check_blocking)

    def _client_instance(self) -> Any:
        # boto3's default session is not thread-safe to create clients from, so the one client
        # (which is thread-safe once built) comes from a private session, built once.
        with self._client_lock:
            if self._client is None:
                self._client = boto3.session.Session().client(
                    "sesv2",
                    region_name=self._region,
                    endpoint_url=self._endpoint_url,
                    config=self._config,
                )
            return self._client

    def _send_blocking(self, message: EmailMessage) -> str:
        # SES parses ToAddresses as RFC 5322 mailboxes, display names included.
        ensure_bare_recipient(message.to)
        try:
            response = self._client_instance().send_email(
                FromEmailAddress=self._sender,
                Destination={"ToAddresses": [message.to]},
                Content={
                    "Simple": {
                        "Subject": {"Data": message.subject, "Charset": "UTF-8"},
                        "Body": {"Text": {"Data": message.text_body, "Charset": "UTF-8"}},
                    }
                },
            )
        except (ClientError, BotoCoreError) as exc:
            raise MailDeliveryError(f"SES did not accept the email: {_describe(exc)}") from exc
        return str(response["MessageId"])

    def _check_blocking(self) -> None:
        try:
            # GetAccount would be the natural probe, but moto (used in tests) lacks it; listing
            # one identity is just as cheap and needs the same credentials and network path.
            self._client_instance().list_email_identities(PageSize=1)
        except (ClientError, BotoCoreError) as exc:
            raise MailDeliveryError(f"SES is unreachable: {_describe(exc)}") from exc


def _describe(exc: ClientError | BotoCoreError) -> str:
    """The error code or class, never request parameters or credentials."""
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        return f"{error.get('Code', 'ClientError')}: {error.get('Message', '')}"[:300]
    return type(exc).__name__
