"""The API key rules: the key's shape, its digest, origins and scopes."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from uuid import uuid4

import pytest

from domain.apikeys import ApiKey, compose_key, key_digest, key_prefix, parse_origin
from domain.errors import ApiKeyScopeDenied, ValidationFailed
from tests.support.builders import T0

KEY = compose_key("0a1b2c3d", "s" * 32)


def _key(counters: tuple[str, ...] = (), origins: tuple[str, ...] = ()) -> ApiKey:
    return ApiKey.create(uuid4(), "blog", KEY, counters, origins, T0)


@pytest.mark.parametrize(
    ("sent", "prefix"),
    [
        (KEY, "0a1b2c3d"),
        ("hxk_0A1B2C3D_" + "s" * 32, None),  # upper-case hex is not ours
        ("hxk_0a1b2c3_" + "s" * 32, None),
        ("hxk_0a1b2c3d_short", None),
        ("Bearer " + KEY, None),
        (KEY + "\x00", None),
        ("hxk_0a1b2c3d_" + "s" * 200, None),
    ],
)
def test_only_a_well_formed_key_has_a_prefix(sent: str, prefix: str | None) -> None:
    assert key_prefix(sent) == prefix


def test_only_the_digest_is_stored_and_it_matches_the_key_alone() -> None:
    key = _key()

    assert key.digest == key_digest(KEY)
    assert KEY not in repr(key) and key.digest not in repr(key)
    assert key.matches(KEY)
    assert not key.matches(KEY[:-1] + "t")
    assert not key.revoke(T0).matches(KEY)


@pytest.mark.parametrize(
    ("origin", "normalised"),
    [
        ("https://Site.Example", "https://site.example"),
        ("https://site.example:443", "https://site.example"),
        ("http://localhost:8080", "http://localhost:8080"),
    ],
)
def test_origins_are_normalised(origin: str, normalised: str) -> None:
    assert parse_origin(origin) == normalised


@pytest.mark.parametrize(
    "origin",
    [
        "https://site.example/",
        "https://site.example/home",
        "ftp://site.example",
        "https://user@site.example",
        "https://site.example?x=1",
        "https://site.example:99999",
        "site.example",
        "https://bad_host.example",
    ],
)
def test_an_origin_is_a_scheme_and_host_alone(origin: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        _key(origins=(origin,))

    assert [e.field for e in refused.value.errors] == ["origins"]


def test_scopes_name_valid_counters_and_a_name_is_plain() -> None:
    with pytest.raises(ValidationFailed) as bad_counter:
        _key(counters=("Home",))
    with pytest.raises(ValidationFailed) as bad_name:
        ApiKey.create(uuid4(), "my blog", KEY, (), (), T0)

    assert [e.field for e in bad_counter.value.errors] == ["counters"]
    assert [e.field for e in bad_name.value.errors] == ["name"]


def test_a_key_reaches_its_counters_from_its_origins() -> None:
    scoped = _key(("home",), ("https://site.example",))
    open_key = _key()

    scoped.authorize("home", "https://site.example")
    scoped.authorize("home", None)  # not a browser: no origin to refuse
    open_key.authorize("anything", "https://anywhere.example")
    for counter, origin in (("other", None), ("home", "https://evil.example"), ("home", "x")):
        with pytest.raises(ApiKeyScopeDenied):
            scoped.authorize(counter, origin)


def test_last_used_is_due_a_write_at_most_once_a_minute() -> None:
    used = replace(_key(), last_used_at=T0)

    assert _key().needs_touch(T0)
    assert not used.needs_touch(T0 + timedelta(seconds=59))
    assert used.needs_touch(T0 + timedelta(minutes=1))
