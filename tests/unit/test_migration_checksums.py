"""A committed migration is never edited: every file keeps the checksum recorded for it in CHECKSUMS."""

from __future__ import annotations

import hashlib
from importlib import resources

from service import migrations

FOLDER = resources.files("service.sql.migrations")


def _recorded() -> dict[str, str]:
    """Version -> checksum, from CHECKSUMS (lines as sha256sum writes them: checksum, two spaces, file name)."""
    lines = FOLDER.joinpath("CHECKSUMS").read_text("utf-8").splitlines()
    return {name.removesuffix(".sql"): checksum for checksum, name in (line.split() for line in lines if line)}


def _shipped() -> dict[str, str]:
    """Version -> checksum, as the migration runner computes it."""
    return {migration.version: migration.checksum for migration in migrations.available()}


def test_no_recorded_migration_was_edited_renamed_or_removed():
    shipped = _shipped()
    changed = sorted(version for version, checksum in _recorded().items() if shipped.get(version) != checksum)
    assert changed == [], "applied migrations must not change: add a new one (service/sql/migrations/README.md)"


def test_every_migration_has_a_recorded_checksum():
    missing = sorted(_shipped().keys() - _recorded().keys())
    assert missing == [], "add a line to CHECKSUMS: sha256sum NNNN_name.sql >> CHECKSUMS"


def test_sha256sum_of_a_file_is_the_runners_checksum():
    for version, checksum in _shipped().items():
        assert hashlib.sha256(FOLDER.joinpath(f"{version}.sql").read_bytes()).hexdigest() == checksum, version
