"""API keys specs: operators create, list and revoke the keys machine clients use."""

from tests.bdd.apikeys.driver import ApiKeysDriver
from tests.bdd.apikeys.world import ApiKeysWorld
from tests.bdd.shared.context import Context

CONTEXT = Context(
    name="apikeys",
    # Operators manage keys with the CLI, not over HTTP: both ways in run its use cases, on
    # memory for the use-case driver and on the HTTP driver's SQLite database.
    drivers={"use_case": ApiKeysDriver, "http": ApiKeysDriver},
    part=ApiKeysWorld,
    steps=("tests.bdd.apikeys.steps",),
)
