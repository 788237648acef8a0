"""Contract of the Mailer port, held by the recording fake, the folder and SES (moto)."""

from __future__ import annotations

import email
import email.policy
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import boto3
import pytest

from adapters.folder_mailer import FolderMailer
from adapters.ses_mailer import SesMailer
from application.messaging.ports import MailDeliveryError, Mailer
from domain.messages import EmailMessage
from tests.support.fakes import RecordingMailer
from tests.support.moto_server import MOTO_REGION, moto_endpoint, moto_models  # noqa: F401

SENDER = "hexashop <no-reply@hexashop.test>"
MESSAGE = EmailMessage(
    to="ana@example.com",
    subject="Verify your email",
    text_body="Hello Ana,\n\nOpen https://shop.test/verify?token=abc to verify.\n",
    kind="verify_email",
)

Delivered = Callable[[str, EmailMessage], Awaitable[None]]


@dataclass
class MailerCase:
    """A working mailer, how to see what it delivered, and the same transport made unreachable."""

    mailer: Mailer
    assert_delivered: Delivered
    unreachable: Mailer


def _recording_case(tmp_path: Path, request: pytest.FixtureRequest) -> MailerCase:
    mailer = RecordingMailer()
    down = RecordingMailer()
    down.down = True

    async def delivered(provider_id: str, message: EmailMessage) -> None:
        assert mailer.sent == [message]

    return MailerCase(mailer, delivered, down)


def _folder_case(tmp_path: Path, request: pytest.FixtureRequest) -> MailerCase:
    folder = tmp_path / "mail"  # missing on purpose: the mailer creates it
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the folder should be")

    async def delivered(provider_id: str, message: EmailMessage) -> None:
        files = [p for p in folder.iterdir() if not p.name.startswith(".")]
        assert len(files) == 1 and files[0].suffix == ".eml"
        parsed = email.message_from_bytes(files[0].read_bytes(), policy=email.policy.default)
        assert parsed["Message-ID"] == provider_id
        assert (parsed["From"], parsed["To"], parsed["Subject"]) == (
            SENDER,
            message.to,
            message.subject,
        )
        assert parsed["Date"] is not None
        body = parsed.get_body(preferencelist=("plain",))
        assert body is not None and body.get_content() == message.text_body

    return MailerCase(
        FolderMailer(str(folder), SENDER), delivered, FolderMailer(str(blocker), SENDER)
    )


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _ses_case(tmp_path: Path, request: pytest.FixtureRequest) -> MailerCase:
    endpoint: str = request.getfixturevalue("moto_endpoint")
    ses = boto3.client("sesv2", region_name=MOTO_REGION, endpoint_url=endpoint)
    # SES (and moto) only send from verified identities.
    ses.create_email_identity(EmailIdentity="no-reply@hexashop.test")

    async def delivered(provider_id: str, message: EmailMessage) -> None:
        sent = [m for m in moto_models("ses", "Message") if m.id == provider_id]
        assert len(sent) == 1
        assert sent[0].source == SENDER
        assert sent[0].destinations == {"ToAddresses": [message.to]}
        assert (sent[0].subject, sent[0].body) == (message.subject, message.text_body)

    down = SesMailer(
        SENDER, MOTO_REGION, f"http://127.0.0.1:{_closed_port()}", connect_timeout=1, max_attempts=1
    )
    return MailerCase(SesMailer(SENDER, MOTO_REGION, endpoint), delivered, down)


_CASES = {"recording": _recording_case, "folder": _folder_case, "ses": _ses_case}


@pytest.fixture(
    params=["recording", "folder", pytest.param("ses", marks=pytest.mark.moto)],
)
def case(request: pytest.FixtureRequest, tmp_path: Path) -> MailerCase:
    """One mail transport under the contract."""
    return _CASES[request.param](tmp_path, request)


async def test_send_returns_a_provider_message_id(case: MailerCase) -> None:
    provider_id = await case.mailer.send(MESSAGE)

    assert isinstance(provider_id, str) and provider_id.strip()


async def test_sent_message_reaches_the_transport(case: MailerCase) -> None:
    provider_id = await case.mailer.send(MESSAGE)

    await case.assert_delivered(provider_id, MESSAGE)


async def test_check_passes_when_the_transport_is_reachable(case: MailerCase) -> None:
    await case.mailer.check()


async def test_send_to_an_unreachable_transport_raises_delivery_error(case: MailerCase) -> None:
    with pytest.raises(MailDeliveryError):
        await case.unreachable.send(MESSAGE)


async def test_check_of_an_unreachable_transport_raises_delivery_error(case: MailerCase) -> None:
    with pytest.raises(MailDeliveryError):
        await case.unreachable.check()


@pytest.mark.parametrize(
    "to", ["x<attacker@evil.example>", "Ana <ana@example.com>", "ana@example.com, eve@evil.example"]
)
async def test_a_recipient_that_is_not_a_bare_address_is_refused(case: MailerCase, to: str) -> None:
    # Whatever got stored, no transport may read another recipient out of it.
    with pytest.raises(MailDeliveryError):
        await case.mailer.send(MESSAGE.__class__(to, MESSAGE.subject, MESSAGE.text_body, "x"))


async def test_folder_mail_files_sort_in_sending_order(tmp_path: Path) -> None:
    mailer = FolderMailer(str(tmp_path), SENDER)
    subjects = [f"Message {n}" for n in range(3)]

    for subject in subjects:
        await mailer.send(EmailMessage("ana@example.com", subject, "body", "test"))

    files = sorted(tmp_path.glob("*.eml"))
    parsed = [email.message_from_bytes(f.read_bytes(), policy=email.policy.default) for f in files]
    assert [p["Subject"] for p in parsed] == subjects


async def test_folder_mailer_refuses_a_header_with_a_line_break(tmp_path: Path) -> None:
    mailer = FolderMailer(str(tmp_path), SENDER)
    injected = EmailMessage("ana@example.com", "Hi\nBcc: eve@example.com", "body", "test")

    with pytest.raises(MailDeliveryError):
        await mailer.send(injected)

    assert list(tmp_path.iterdir()) == []


@pytest.mark.moto
async def test_ses_refusing_an_unverified_sender_raises_delivery_error(
    moto_endpoint: str,  # noqa: F811
) -> None:
    mailer = SesMailer("stranger@unverified.test", MOTO_REGION, moto_endpoint)

    with pytest.raises(MailDeliveryError, match="MessageRejected"):
        await mailer.send(MESSAGE)
