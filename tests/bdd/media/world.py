"""What a scenario remembers about files: their ids and the bytes that were sent."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tests.bdd.media.driver import MediaDriver


@dataclass
class MediaWorld:
    """The media part of one scenario's state, shared by its steps."""

    driver: MediaDriver
    files: dict[str, str] = field(default_factory=dict)  # filename -> id
    sent: dict[str, bytes] = field(default_factory=dict)  # filename -> the bytes uploaded
    # The last download that succeeded, as the driver reported it.
    last_download: dict[str, Any] | None = None

    def file_id(self, name: str) -> str:
        """The id of a file the scenario named."""
        assert name in self.files, f'the scenario never introduced a file "{name}"'
        return self.files[name]
