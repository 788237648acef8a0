"""Applying the migrations from the CLI: one line when the database can't be reached, and
for `serve` in a child process, so Alembic never loads into the server.

Alembic is imported only inside these functions (and by `doctor` when it runs): imported and
run, it adds about 11 MiB to a process's resident memory for good.
"""

from __future__ import annotations

import os
import sys
import threading
import traceback

from sqlalchemy.exc import DBAPIError

from adapters.sqlalchemy.unit_of_work import is_database_unavailable
from entrypoints.cli.common import EXIT_REFUSED, fail


def _reason(exc: BaseException) -> str:
    """The driver's own first line (`database "x" does not exist`, `Connect call failed
    ('127.0.0.1', 5432)`): it names neither the URL nor its password."""
    cause = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
    lines = str(cause).strip().splitlines()
    return lines[0] if lines else type(cause).__name__


def upgrade_or_fail(database_url: str) -> None:
    """Apply every pending migration, or stop with `error: The database is unavailable: …`
    (exit 1) when the database can't be reached; a failing migration keeps its traceback."""
    from adapters.sqlalchemy.migrate import upgrade_database

    try:
        upgrade_database(database_url)
    except Exception as exc:
        if not is_database_unavailable(exc):
            raise
        fail(f"The database is unavailable: {_reason(exc)}", EXIT_REFUSED)


def upgrade_in_child(database_url: str) -> None:
    """`upgrade_or_fail` in a forked child, the parent waiting for it and exiting with its
    code when it fails (the child has printed why). In process where there is no fork
    (Windows) or where forking is unsafe (other threads already run, e.g. under a test
    runner)."""
    if not hasattr(os, "fork") or threading.active_count() > 1:
        upgrade_or_fail(database_url)
        return
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child; tests/cli/test_migrations.py runs it
        code = 0
        try:
            upgrade_or_fail(database_url)
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        except BaseException:
            traceback.print_exc()
            code = 1
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        raise SystemExit(code if code > 0 else 1)  # killed by a signal: still a failure
