"""Contract: every API key repository stores keys with their scopes, finds them by name and
prefix, revokes them, and writes last_used_at only when it is stale."""

from __future__ import annotations

from datetime import timedelta
from uuid import uuid4

from domain.apikeys import ApiKey, compose_key
from tests.support.builders import T0, is_utc
from tests.support.databases import UnitOfWorkFactory


def _key(name: str = "blog", prefix: str = "0a1b2c3d", **scopes: tuple[str, ...]) -> ApiKey:
    key = compose_key(prefix, "s" * 32)
    return ApiKey.create(
        uuid4(), name, key, scopes.get("counters", ()), scopes.get("origins", ()), T0
    )


async def _add(uow_factory: UnitOfWorkFactory, *keys: ApiKey) -> None:
    async with uow_factory() as uow:
        for key in keys:
            await uow.api_keys.add(key)
        await uow.commit()


async def test_a_key_is_found_by_name_and_prefix_with_every_field(
    uow_factory: UnitOfWorkFactory,
) -> None:
    key = _key(counters=("home", "about"), origins=("https://site.example",))
    await _add(uow_factory, key)

    async with uow_factory.read_only() as uow:
        by_name = await uow.api_keys.by_name("blog")
        by_prefix = await uow.api_keys.by_prefix("0a1b2c3d")

    assert by_name == by_prefix == key
    assert by_name is not None and by_name.counters == ("home", "about")
    assert is_utc(by_name.created_at)


async def test_unknown_names_and_prefixes_are_none(uow_factory: UnitOfWorkFactory) -> None:
    await _add(uow_factory, _key())

    async with uow_factory.read_only() as uow:
        assert await uow.api_keys.by_name("other") is None
        assert await uow.api_keys.by_prefix("ffffffff") is None


async def test_every_key_is_listed_by_name(uow_factory: UnitOfWorkFactory) -> None:
    await _add(uow_factory, _key("zeta", "00000001"), _key("alpha", "00000002"))

    async with uow_factory.read_only() as uow:
        names = [k.name for k in await uow.api_keys.all()]

    assert names == ["alpha", "zeta"]


async def test_a_revoked_key_is_saved_as_revoked(uow_factory: UnitOfWorkFactory) -> None:
    key = _key()
    await _add(uow_factory, key)

    async with uow_factory() as uow:
        await uow.api_keys.save(key.revoke(T0 + timedelta(hours=1)))
        await uow.commit()

    async with uow_factory.read_only() as uow:
        found = await uow.api_keys.by_name("blog")
    assert found is not None and found.revoked_at == T0 + timedelta(hours=1)
    assert not found.active


async def test_touch_writes_last_used_only_when_it_is_stale(
    uow_factory: UnitOfWorkFactory,
) -> None:
    key = _key()
    await _add(uow_factory, key)
    first, soon = T0 + timedelta(minutes=5), T0 + timedelta(minutes=5, seconds=30)

    for now in (first, soon):
        async with uow_factory() as uow:
            await uow.api_keys.touch(key.id, now, before=now - timedelta(minutes=1))
            await uow.commit()
    async with uow_factory.read_only() as uow:
        after_two = await uow.api_keys.by_name("blog")
    later = first + timedelta(minutes=2)
    async with uow_factory() as uow:
        await uow.api_keys.touch(key.id, later, before=later - timedelta(minutes=1))
        await uow.commit()
    async with uow_factory.read_only() as uow:
        after_three = await uow.api_keys.by_name("blog")

    assert after_two is not None and after_two.last_used_at == first
    assert after_three is not None and after_three.last_used_at == later


async def test_an_uncommitted_key_is_not_kept(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        await uow.api_keys.add(_key())

    async with uow_factory() as uow:
        assert await uow.api_keys.by_name("blog") is None
