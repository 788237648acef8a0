"""Fixtures for use-case unit tests."""

from __future__ import annotations

import pytest
from use_case_kit import Kit


@pytest.fixture
def kit() -> Kit:
    """A fresh set of in-memory adapters."""
    return Kit()
