"""The counters context: hit counts in the configured CounterStore (SQL or DynamoDB)."""

from __future__ import annotations

from dependency_injector import containers, providers

from application.counters.badge import BadgeCount
from application.counters.get_count import GetCount
from application.counters.list_counters import ListCounters
from application.counters.record_hit import RecordHit
from entrypoints.containers.access import AdminOnly, WithApiKey


class CountersContainer(containers.DeclarativeContainer):
    """The counters use cases over `core.counter_store`. The HTTP handlers check the API key
    (the apikeys context) before they run the public ones."""

    core = providers.DependenciesContainer()

    # --- API-key callers (the key is checked by the handler first) -----------------------
    record_hit = WithApiKey(RecordHit, store=core.counter_store)
    get_count = WithApiKey(GetCount, store=core.counter_store)
    badge_count = WithApiKey(BadgeCount, store=core.counter_store)

    # --- admins ----------------------------------------------------------------------------
    list_counters = AdminOnly(ListCounters, store=core.counter_store)
