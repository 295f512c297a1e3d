"""Shared pytest configuration: fast hashing, temporary media, the fixed cast of users."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _test_settings(settings: Any, tmp_path: Path) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def cast(db: Any) -> Any:
    """The fixed cast of users across agencies (see cqs/org/testing.py)."""
    from cqs.org.testing import build_cast

    return build_cast()
