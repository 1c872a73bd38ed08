"""The seconds a rate-limit header promises: within the window, whatever the storage's rounding."""

from __future__ import annotations

import pytest

from service.api.limits import seconds_left


@pytest.mark.parametrize(
    ("reset_at", "now", "expected"),
    [
        (1061.0, 1000.0, 60),  # the storage rounded its expiry up past the window: t=61 before
        (1060.0, 1000.0, 60),
        (1030.2, 1000.0, 31),
        (1000.0, 1000.5, 0),  # already reset: never negative
    ],
)
def test_seconds_left_stay_within_the_window(reset_at, now, expected):
    assert seconds_left(reset_at, 60, now) == expected
