"""Response bodies of the counters endpoints (camelCase on the wire)."""

from __future__ import annotations

from typing import Annotated

import msgspec

from domain.counters import COUNTER_NAME_PATTERN
from entrypoints.http.schemas import PageResponse

CounterName = Annotated[str, msgspec.Meta(pattern=COUNTER_NAME_PATTERN, examples=["home"])]
Count = Annotated[int, msgspec.Meta(ge=0)]


class CounterResponse(msgspec.Struct, rename="camel"):
    """A counter and its count."""

    name: CounterName
    count: Count


class CounterPage(PageResponse[CounterResponse]):
    """One page of counters, by name."""
