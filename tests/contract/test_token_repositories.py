"""Contract: one-time and refresh token repositories, including races on every backend."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from uuid import UUID, uuid4

from domain.accounts import RefreshToken, TokenPurpose, User
from tests.support.builders import T0, is_utc, make_one_time_token, make_refresh_token, make_user
from tests.support.databases import UnitOfWorkFactory

CONCURRENT_CLAIMS = 20


async def _user(uow_factory: UnitOfWorkFactory, email: str = "ana@example.com") -> User:
    user = make_user(email)
    async with uow_factory() as uow:
        await uow.users.add(user)
        await uow.commit()
    return user


# --- one-time tokens -------------------------------------------------------------------------


async def test_one_time_token_is_found_by_its_hash(uow_factory: UnitOfWorkFactory) -> None:
    user = await _user(uow_factory)
    token = make_one_time_token(user, "hash-1", TokenPurpose.RESET_PASSWORD)
    async with uow_factory() as uow:
        await uow.one_time_tokens.add(token)
        await uow.commit()

    async with uow_factory() as uow:
        found = await uow.one_time_tokens.get_by_hash("hash-1")
        missing = await uow.one_time_tokens.get_by_hash("hash-2")

    assert found == token
    assert found is not None and found.purpose is TokenPurpose.RESET_PASSWORD
    assert is_utc(found.expires_at)
    assert missing is None


async def test_one_time_token_can_be_marked_used_only_once(
    uow_factory: UnitOfWorkFactory,
) -> None:
    user = await _user(uow_factory)
    token = make_one_time_token(user, "hash-1")
    async with uow_factory() as uow:
        await uow.one_time_tokens.add(token)
        await uow.commit()
    used_at = T0 + timedelta(minutes=1)

    async with uow_factory() as uow:
        first = await uow.one_time_tokens.mark_used(token.id, used_at)
        await uow.commit()
    async with uow_factory() as uow:
        second = await uow.one_time_tokens.mark_used(token.id, used_at + timedelta(minutes=1))
        await uow.commit()

    assert (first, second) == (True, False)
    async with uow_factory() as uow:
        stored = await uow.one_time_tokens.get_by_hash("hash-1")
    assert stored is not None and stored.used_at == used_at and is_utc(stored.used_at)


async def test_spend_all_uses_up_only_that_users_tokens_of_that_purpose(
    uow_factory: UnitOfWorkFactory,
) -> None:
    ana, bob = await _user(uow_factory), await _user(uow_factory, "bob@example.com")
    reset = TokenPurpose.RESET_PASSWORD
    tokens = {
        "ana-reset-1": make_one_time_token(ana, "ana-reset-1", reset),
        "ana-reset-2": make_one_time_token(ana, "ana-reset-2", reset),
        "ana-verify": make_one_time_token(ana, "ana-verify", TokenPurpose.VERIFY_EMAIL),
        "bob-reset": make_one_time_token(bob, "bob-reset", reset),
    }
    async with uow_factory() as uow:
        for token in tokens.values():
            await uow.one_time_tokens.add(token)
        await uow.commit()

    async with uow_factory() as uow:
        await uow.one_time_tokens.spend_all(ana.id, reset, T0 + timedelta(minutes=1))
        await uow.commit()

    async with uow_factory() as uow:
        used = {h: (await uow.one_time_tokens.get_by_hash(h)).used_at is not None for h in tokens}  # type: ignore[union-attr]
    assert used == {
        "ana-reset-1": True,
        "ana-reset-2": True,
        "ana-verify": False,
        "bob-reset": False,
    }


async def test_marking_an_unknown_one_time_token_fails(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        assert await uow.one_time_tokens.mark_used(uuid4(), T0) is False


# --- refresh tokens --------------------------------------------------------------------------


async def _refresh(uow_factory: UnitOfWorkFactory, *tokens: RefreshToken) -> None:
    async with uow_factory() as uow:
        for token in tokens:
            await uow.refresh_tokens.add(token)
        await uow.commit()


async def _revoked(uow_factory: UnitOfWorkFactory, *hashes: str) -> list[bool]:
    async with uow_factory() as uow:
        tokens = [await uow.refresh_tokens.get_by_hash(h) for h in hashes]
    return [t is not None and t.revoked_at is not None for t in tokens]


async def test_refresh_token_is_found_by_its_hash(uow_factory: UnitOfWorkFactory) -> None:
    user = await _user(uow_factory)
    token = make_refresh_token(user, token_hash="rt-1")
    await _refresh(uow_factory, token)

    async with uow_factory() as uow:
        found = await uow.refresh_tokens.get_by_hash("rt-1")
        missing = await uow.refresh_tokens.get_by_hash("rt-2")

    assert found == token
    assert found is not None and is_utc(found.created_at) and is_utc(found.expires_at)
    assert missing is None


async def test_refresh_token_can_be_claimed_for_rotation_once(
    uow_factory: UnitOfWorkFactory,
) -> None:
    user = await _user(uow_factory)
    token = make_refresh_token(user, token_hash="rt-1")
    await _refresh(uow_factory, token)
    rotated_at = T0 + timedelta(minutes=3)

    async with uow_factory() as uow:
        first = await uow.refresh_tokens.claim_for_rotation(token.id, rotated_at)
        second = await uow.refresh_tokens.claim_for_rotation(token.id, rotated_at)
        await uow.commit()

    assert (first, second) == (True, False)
    async with uow_factory() as uow:
        stored = await uow.refresh_tokens.get_by_hash("rt-1")
    assert stored is not None and stored.rotated_at == rotated_at and is_utc(stored.rotated_at)


async def test_revoked_refresh_token_cannot_be_claimed(uow_factory: UnitOfWorkFactory) -> None:
    user = await _user(uow_factory)
    token = make_refresh_token(user, token_hash="rt-1")
    await _refresh(uow_factory, token)

    async with uow_factory() as uow:
        await uow.refresh_tokens.revoke_family(token.family_id, T0)
        claimed = await uow.refresh_tokens.claim_for_rotation(token.id, T0)

    assert claimed is False


async def test_of_concurrent_claims_exactly_one_wins(uow_factory: UnitOfWorkFactory) -> None:
    user = await _user(uow_factory)
    token = make_refresh_token(user, token_hash="rt-1")
    await _refresh(uow_factory, token)

    async def claim(n: int) -> bool:
        async with uow_factory() as uow:
            won = await uow.refresh_tokens.claim_for_rotation(token.id, T0 + timedelta(seconds=n))
            await uow.commit()
            return won

    results = await asyncio.gather(*(claim(n) for n in range(CONCURRENT_CLAIMS)))

    assert results.count(True) == 1


async def test_revoke_family_revokes_only_that_login(uow_factory: UnitOfWorkFactory) -> None:
    user = await _user(uow_factory)
    family, other_family = uuid4(), uuid4()
    await _refresh(
        uow_factory,
        make_refresh_token(user, family, "f1-a"),
        make_refresh_token(user, family, "f1-b"),
        make_refresh_token(user, other_family, "f2-a"),
    )
    revoked_at = T0 + timedelta(hours=1)

    async with uow_factory() as uow:
        await uow.refresh_tokens.revoke_family(family, revoked_at)
        await uow.commit()

    assert await _revoked(uow_factory, "f1-a", "f1-b", "f2-a") == [True, True, False]
    async with uow_factory() as uow:
        token = await uow.refresh_tokens.get_by_hash("f1-a")
    assert token is not None and token.revoked_at == revoked_at and is_utc(token.revoked_at)


async def test_revoking_again_keeps_the_first_revocation_time(
    uow_factory: UnitOfWorkFactory,
) -> None:
    user = await _user(uow_factory)
    token = make_refresh_token(user, token_hash="rt-1")
    await _refresh(uow_factory, token)

    async with uow_factory() as uow:
        await uow.refresh_tokens.revoke_family(token.family_id, T0)
        await uow.refresh_tokens.revoke_all_for_user(user.id, T0 + timedelta(hours=1))
        await uow.commit()

    async with uow_factory() as uow:
        stored = await uow.refresh_tokens.get_by_hash("rt-1")
    assert stored is not None and stored.revoked_at == T0


async def test_revoke_all_for_user_spares_the_excepted_login_and_other_users(
    uow_factory: UnitOfWorkFactory,
) -> None:
    ana = await _user(uow_factory, "ana@example.com")
    bob = await _user(uow_factory, "bob@example.com")
    kept: UUID = uuid4()
    await _refresh(
        uow_factory,
        make_refresh_token(ana, None, "ana-1"),
        make_refresh_token(ana, None, "ana-2"),
        make_refresh_token(ana, kept, "ana-kept"),
        make_refresh_token(bob, None, "bob-1"),
    )

    async with uow_factory() as uow:
        await uow.refresh_tokens.revoke_all_for_user(ana.id, T0, except_family=kept)
        await uow.commit()

    assert await _revoked(uow_factory, "ana-1", "ana-2", "ana-kept", "bob-1") == [
        True,
        True,
        False,
        False,
    ]


async def test_revoke_all_for_user_without_exception_revokes_every_login(
    uow_factory: UnitOfWorkFactory,
) -> None:
    ana = await _user(uow_factory)
    await _refresh(
        uow_factory, make_refresh_token(ana, None, "ana-1"), make_refresh_token(ana, None, "ana-2")
    )

    async with uow_factory() as uow:
        await uow.refresh_tokens.revoke_all_for_user(ana.id, T0)
        await uow.commit()

    assert await _revoked(uow_factory, "ana-1", "ana-2") == [True, True]
