"""Database errors never carry bound parameters, on either SQL backend."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from adapters.sqlalchemy.database import create_engine
from tests.support.databases import copy_sqlite_database, sqlite_url

SECRET = "$argon2id$v=19$m=65536,t=3,p=4$bound-parameter-secret"


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
async def test_a_failing_statement_hides_its_parameters(
    backend: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    if backend == "postgres":
        url: str = request.getfixturevalue("migrated_postgres_url")
    else:
        template: Path = request.getfixturevalue("migrated_sqlite_template")
        url = sqlite_url(copy_sqlite_database(template, tmp_path / "shop.db"))
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            with pytest.raises(DBAPIError) as raised:
                # No such column: fails on the server with the secret bound.
                await connection.execute(
                    text("SELECT no_such_column FROM users WHERE email = :secret"),
                    {"secret": SECRET},
                )
    finally:
        await engine.dispose()

    assert "bound-parameter-secret" not in str(raised.value)
    assert "parameters hidden" in str(raised.value)
