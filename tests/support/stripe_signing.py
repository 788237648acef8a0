"""Stripe webhook bodies and signatures for tests, made exactly the way Stripe makes them.

The signature is computed here with hmac directly (not with the SDK), so the tests check the
adapter against Stripe's documented scheme rather than against the SDK's own helper.
"""

from __future__ import annotations

import copy
import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Mapping
from typing import Any

from tests.support.stripe_stub import load_fixtures


def sign(payload: bytes, secret: str, timestamp: int | None = None) -> str:
    """A `Stripe-Signature` header: `t=<ts>,v1=<hex HMAC-SHA256 of "<ts>.<payload>">`."""
    ts = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{ts}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={ts},v1={digest}"


def event_payload(
    type: str,
    obj_overrides: Mapping[str, Any] | None = None,
    *,
    event_id: str | None = None,
) -> bytes:
    """A webhook body built from Stripe's fixture event, its `data.object` from the fixtures.

    `payment_intent.*` events carry the fixture payment intent, `charge.*` events the fixture
    charge, with `obj_overrides` (id, amount, amount_received, currency, metadata,
    payment_intent, amount_refunded, ...) applied on top.
    """
    resources = load_fixtures()["resources"]
    event = copy.deepcopy(resources["event"])
    event["id"] = event_id or f"evt_{secrets.token_hex(12)}"
    event["type"] = type
    event["created"] = int(time.time())
    if type.startswith("payment_intent."):
        obj = copy.deepcopy(resources["payment_intent"])
    elif type.startswith("charge."):
        obj = copy.deepcopy(resources["charge"])
    else:
        obj = event["data"]["object"]
    obj.update(obj_overrides or {})
    event["data"]["object"] = obj
    return json.dumps(event).encode()
