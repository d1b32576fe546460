"""Hypothesis profiles for the fuzz suite: a short one in every test run, a long one on demand.

    pytest tests/fuzz                       # short: a few dozen examples per test, about a minute
    MSGLINT_FUZZ=long pytest tests/fuzz     # long: thousands per test, for a release or a night

The spaCy pipeline is loaded once per session (tests/conftest.py); every example runs the real CLI
in-process against it.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

_COMMON = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                                     HealthCheck.data_too_large], derandomize=False)
settings.register_profile("msglint-short", max_examples=25, **_COMMON)
settings.register_profile("msglint-long", max_examples=2_000, **_COMMON)
settings.load_profile("msglint-long" if os.environ.get("MSGLINT_FUZZ") == "long" else "msglint-short")

LONG = os.environ.get("MSGLINT_FUZZ") == "long"
# Each example of a CLI test is a whole `msglint check` (about 0.3 s: rules loaded and compiled).
cli_settings = settings(max_examples=1_000 if LONG else 8)
