"""`kill -9` a worker mid-batch: another worker delivers every message afterwards."""

from __future__ import annotations

import asyncio
import os
import signal
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from adapters.sqlalchemy.database import create_engine
from adapters.sqlalchemy.migrate import upgrade_database
from adapters.sqlalchemy.unit_of_work import SqlUnitOfWork
from domain.messages import EmailMessage, OutboxMessage
from entrypoints.settings import load_settings
from tests.e2e.process import REPO, _messages, start, wait_until

MESSAGES = 20

# Loaded by the worker processes only (through PYTHONPATH): each folder delivery first waits,
# so the worker is certainly mid-batch when it is killed.
SLOW_MAILER = """
import asyncio
from adapters import folder_mailer

_send = folder_mailer.FolderMailer.send


async def _slow_send(self, message):
    await asyncio.sleep(0.15)
    return await _send(self, message)


folder_mailer.FolderMailer.send = _slow_send
"""


async def _queue(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        async with SqlUnitOfWork(engine) as uow:
            now = datetime.now(UTC)
            for n in range(MESSAGES):
                body = EmailMessage(f"m{n}@example.com", f"Message {n}", "Hello", "test")
                await uow.outbox.add(OutboxMessage.new(body, now))
            await uow.commit()
    finally:
        await engine.dispose()


def _deliveries(mail_dir: Path) -> Counter[str]:
    return Counter(str(m["To"]) for m in _messages(mail_dir))


def test_a_worker_killed_mid_batch_loses_no_message(tmp_path: Path) -> None:
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    (hooks / "sitecustomize.py").write_text(SLOW_MAILER)
    env = {
        "VAR_DIR": str(tmp_path / "var"),
        "OUTBOX_POLL_SECONDS": "0.1",
        "OUTBOX_LEASE_SECONDS": "2",
        "RUN_WORKER_IN_PROCESS": "false",
        "PYTHONPATH": os.pathsep.join([str(hooks), str(REPO)]),
    }
    settings = load_settings({**env, "JWT_SECRET": "x" * 40})
    upgrade_database(settings.database_url)
    asyncio.run(_queue(settings.database_url))
    mail_dir = tmp_path / "var" / "mail"

    first = start(tmp_path, tmp_path / "first.log", "worker", **env)
    try:
        wait_until(lambda: len(_deliveries(mail_dir)) >= 3, 30, "the first worker to send some")
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        after_kill = _deliveries(mail_dir)
        second = start(tmp_path, tmp_path / "second.log", "worker", **env)
        try:
            wait_until(
                lambda: len(_deliveries(mail_dir)) == MESSAGES, 60, "every message delivered"
            )
            second.send_signal(signal.SIGTERM)
            assert second.wait(timeout=10) == 0
        finally:
            if second.poll() is None:
                second.kill()
    finally:
        if first.poll() is None:
            first.kill()

    delivered = _deliveries(mail_dir)
    assert 3 <= sum(after_kill.values()) < MESSAGES, "the kill did not land mid-batch"
    assert set(delivered) == {f"m{n}@example.com" for n in range(MESSAGES)}
    # At least once: only a message being written at the instant of the kill may go out twice.
    assert sum(delivered.values()) - MESSAGES <= 1
