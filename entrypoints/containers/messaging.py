"""The messaging context: delivering the outbox."""

from __future__ import annotations

from datetime import timedelta

from dependency_injector import containers, providers

from application.messaging.dispatch_outbox import DispatchOutbox


def _seconds(value: float) -> timedelta:
    return timedelta(seconds=value)


class MessagingContainer(containers.DeclarativeContainer):
    """The outbox dispatcher, wired to the shared adapters in `core` (the worker runs it)."""

    core = providers.DependenciesContainer()

    lease = providers.Callable(_seconds, core.settings.provided.outbox_lease_seconds)

    dispatch_outbox = providers.Factory(
        DispatchOutbox,
        uow=core.uow,
        mailer=core.mailer,
        clock=core.clock,
        max_attempts=core.settings.provided.outbox_max_attempts,
        lease=lease,
    )
