"""The rendering tests need neither the database nor Django settings.

The project's root conftest has an autouse fixture that adjusts settings through
pytest-django; this one replaces it for this directory so the tests also run with
``-p no:django`` (before the app is in INSTALLED_APPS).
"""

import pytest


@pytest.fixture(autouse=True)
def _test_settings() -> None:
    """Nothing to set: rendering reads no settings."""
