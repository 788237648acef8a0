"""Contract: every CounterStore adds hits atomically, reads counts and pages by name alike."""

from __future__ import annotations

import asyncio

from application.counters.ports import CounterStore
from domain.counters import CounterCount


async def test_the_first_hit_creates_the_counter_at_one(counter_store: CounterStore) -> None:
    assert await counter_store.get("home") is None

    assert await counter_store.hit("home") == 1
    assert await counter_store.get("home") == 1


async def test_each_hit_adds_one_and_returns_the_new_count(counter_store: CounterStore) -> None:
    counts = [await counter_store.hit("home") for _ in range(5)]
    await counter_store.hit("about")

    assert counts == [1, 2, 3, 4, 5]
    assert await counter_store.get("home") == 5
    assert await counter_store.get("about") == 1


async def test_reading_adds_no_hit(counter_store: CounterStore) -> None:
    await counter_store.hit("home")
    for _ in range(3):
        await counter_store.get("home")

    assert await counter_store.get("home") == 1


async def test_a_long_name_is_stored_whole(counter_store: CounterStore) -> None:
    name = "a-" * 31 + "z9"  # 64 characters, the longest name

    assert await counter_store.hit(name) == 1
    assert await counter_store.get(name) == 1
    assert await counter_store.get(name[:-1]) is None


async def test_pages_are_ordered_by_name_with_the_total(counter_store: CounterStore) -> None:
    for name in ("b", "a-2", "a", "a-10", "9", "z"):
        await counter_store.hit(name)
    await counter_store.hit("z")

    first, total = await counter_store.page(0, 4)
    rest, again = await counter_store.page(4, 4)
    beyond, _ = await counter_store.page(10, 4)

    # Byte order ("-" before digits before letters), whatever the database's locale.
    assert [c.name for c in first] == ["9", "a", "a-10", "a-2"]
    assert rest == [CounterCount("b", 1), CounterCount("z", 2)]
    assert (total, again, beyond) == (6, 6, [])


async def test_an_empty_store_has_an_empty_page(counter_store: CounterStore) -> None:
    assert await counter_store.page(0, 20) == ([], 0)


async def test_a_reachable_store_passes_its_check(counter_store: CounterStore) -> None:
    await counter_store.check()


async def test_concurrent_hits_on_one_counter_add_exactly_their_number(
    counter_store: CounterStore,
) -> None:
    counts = await asyncio.gather(*(counter_store.hit("burst") for _ in range(200)))

    assert sorted(counts) == list(range(1, 201))
    assert await counter_store.get("burst") == 200
