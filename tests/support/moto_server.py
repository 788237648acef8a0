"""moto's AWS emulator, started once per test session on a free 127.0.0.1 port.

Import the fixture into a test module explicitly (non-root conftests may not use
`pytest_plugins`):

    from tests.support.moto_server import moto_endpoint  # noqa: F401
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from moto.server import ThreadedMotoServer

# Dummy credentials: botocore signs every request and refuses to start without some.
# They must never be real ones, so the fixture sets them instead of reading the environment.
_FAKE_AWS_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
}
# Variables that could point boto3 at a real account or another endpoint.
_UNSET_AWS_ENV = (
    "AWS_PROFILE",
    "AWS_ENDPOINT_URL",
    "AWS_ENDPOINT_URL_SESV2",
    "AWS_ENDPOINT_URL_S3",
)

MOTO_REGION = "us-east-1"


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    """The base URL of an in-process moto server, with dummy AWS credentials in the env."""
    with pytest.MonkeyPatch.context() as env:
        for name, value in _FAKE_AWS_ENV.items():
            env.setenv(name, value)
        for name in _UNSET_AWS_ENV:
            env.delenv(name, raising=False)
        # Port 0: the OS picks a free port, so parallel runs and other services never clash.
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        server.start()
        host, port = server.get_host_and_port()
        try:
            yield f"http://{host}:{port}"
        finally:
            server.stop()
