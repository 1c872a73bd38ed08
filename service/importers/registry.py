"""Every importer of a single file, in one place: `tally import NAME FILE`, POST /v1/imports?dataset=NAME and
the choices the API documents all read IMPORTERS.

Adding an importer is a module service/importers/<module>.py with a function
`import_<module>(conn, path, options) -> Result`, and a line here. (The
gazetteers are three files imported together: `tally import locations`.)
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..db import Connection
from .core import Options, Result

# Options fields the command line can set beyond those of every import (actor, dry run, skip invalid, report).
VERSIONED = ("version", "released")


@dataclass(frozen=True)
class Importer:
    """One file importer: the module that does the work, and how it is described."""

    # Named, not imported: the API's schemas read this registry, and an importer
    # may use those schemas (tally_csv does), so importing it here would be a cycle.
    module: str
    about: str  # what the file is, in a few words; the API's list of choices says it
    help: str  # the command's help text
    options: tuple[str, ...] = ()  # the Options fields its command takes as options, in their order

    def run(self, conn: Connection, path: Path, options: Options) -> Result:
        """Import one file."""
        module = importlib.import_module(f".{self.module}", __package__)
        run: Callable[[Connection, Path, Options], Result] = getattr(module, f"import_{self.module}")
        return run(conn, path, options)


# In the order the API lists them.
IMPORTERS: dict[str, Importer] = {
    "ucdp": Importer(
        "ucdp",
        "UCDP GED events",
        "Import UCDP GED events: civilians killed and people killed (low/best/high) per event.",
        (*VERSIONED, "max_distance_km"),
    ),
    "unhcr": Importer(
        "unhcr",
        "UNHCR population statistics",
        "Import UNHCR population statistics: refugees and IDPs per year (end-of-year stocks).",
        VERSIONED,
    ),
    "idmc": Importer(
        "idmc",
        "IDMC GIDD conflict displacement",
        "Import IDMC GIDD conflict displacement: new displacements and IDPs at year end, per country.",
        VERSIONED,
    ),
    # csv and hxl are one importer: it tells an HXL file by its hashtag row.
    "csv": Importer("tally_csv", "a Tally CSV export", "Import Tally's own CSV export (GET /v1/figures?format=csv)."),
    "hxl": Importer(
        "tally_csv",
        "a Tally HXL export, or any HXL file whose hashtags map to Tally's columns and metrics",
        "Import an HXL-tagged CSV whose hashtags map to Tally's (e.g. its ?format=hxl export).",
    ),
}
