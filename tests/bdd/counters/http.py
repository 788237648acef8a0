"""The counters actions over HTTP, on SQLite."""

from __future__ import annotations

from tests.bdd.counters.driver import CountersDriver, badge_count
from tests.bdd.shared.http import API, HttpSystem
from tests.bdd.shared.outcome import Outcome


def _headers(key: str | None, origin: str | None = None) -> dict[str, str]:
    headers = {} if key is None else {"X-API-Key": key}
    if origin is not None:
        headers["Origin"] = origin
    return headers


class HttpCounters(CountersDriver):
    """Sends the counters requests a static page's script (or an admin) would."""

    def __init__(self, system: HttpSystem) -> None:
        self.system = system

    def hit(self, key: str | None, name: str, origin: str | None) -> Outcome:
        """POST /counters/{name}/hits."""
        outcome = self.system.send("POST", f"/counters/{name}/hits", headers=_headers(key, origin))
        return outcome

    def read(self, key: str | None, name: str) -> Outcome:
        """GET /counters/{name}."""
        return self.system.send("GET", f"/counters/{name}", headers=_headers(key))

    def badge(self, key: str | None, name: str) -> Outcome:
        """GET /counters/{name}/badge.svg, the key in the query as an <img> sends it."""
        self.system.tick()
        params = {} if key is None else {"key": key}
        response = self.system.client.get(f"{API}/counters/{name}/badge.svg", params=params)
        if response.status_code != 200:
            return HttpSystem._outcome(response)
        assert response.headers["content-type"].startswith("image/svg+xml")
        return Outcome(data={"badge": badge_count(response.text)})

    def list_counters(self, access: str | None) -> Outcome:
        """GET /counters as the bearer of `access`."""
        return self.system.send("GET", "/counters", access=access)
