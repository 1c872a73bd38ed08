"""Settings read from the environment: a value Tally cannot use stops it at start-up, naming the variable."""

from __future__ import annotations

import pytest

from service.config import Settings


@pytest.mark.parametrize("value", ["debug", "info", "warning", "error", "critical", "WARNING", " Error "])
def test_log_level_takes_gunicorn_s_levels_in_any_case(value):
    assert Settings.from_env({"LOG_LEVEL": value}).log_level == value.strip().lower()


def test_log_level_unset_or_empty_is_info():
    assert Settings.from_env({}).log_level == Settings.from_env({"LOG_LEVEL": " "}).log_level == "info"


@pytest.mark.parametrize("value", ["verbose", "warn", "trace"])
def test_an_unknown_log_level_stops_tally_instead_of_logging_at_info(value):
    with pytest.raises(SystemExit) as stopped:
        Settings.from_env({"LOG_LEVEL": value})
    assert str(stopped.value) == f"LOG_LEVEL must be one of debug, info, warning, error, critical, got {value!r}"
