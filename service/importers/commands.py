"""`tally import ...`: the importers on the command line."""

from __future__ import annotations

import contextlib
import functools
import getpass
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from .. import db
from ..config import Settings, data_dir
from .core import ImportFailed, InvalidRows, Options, Result, write_report
from .registry import IMPORTERS, Importer

# How many row-level problems are printed when no --report file is given.
PRINTED_PROBLEMS = 20
# Where the `tally` group leaves, in the click context, the function from Settings to the database URL:
# this module cannot import service.cli, which imports it.
DATABASE_URL = "tally.database_url"


class DataFile(click.ParamType[Path]):
    """A file to import: the path as given, else, for a relative one, the file of that name in TALLY_DATA_DIR,
    so `tally import ucdp ucdp_ged_syria_2016-2019.csv` works from any folder."""

    name = "file"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Path:
        given = Path(value).expanduser()
        for path in (given, data_dir() / given) if not given.is_absolute() else (given,):
            if path.is_file():
                return path
        where = "" if given.is_absolute() else f" nor in TALLY_DATA_DIR ({data_dir()})"
        self.fail(f"{str(value)!r} is not a file here{where}.", param, ctx)


_FILE = DataFile()


@click.group("import")
def import_group() -> None:
    """Import real datasets (gazetteers, UCDP GED, UNHCR, IDMC) with a validation report."""


def _current_user() -> str:
    """Who runs the command, as the operating system knows them."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no user name in the environment or the password database
        return "tally"


_Command = TypeVar("_Command", bound=Callable[..., Any])


def common_options(command: _Command) -> _Command:
    """--dry-run, --skip-invalid, --report and --actor, shared by every import."""
    options = [
        click.option("--dry-run", is_flag=True, help="Validate and report what would change; write nothing."),
        click.option(
            "--skip-invalid",
            is_flag=True,
            help="Import the valid rows and report the others (by default one invalid row aborts).",
        ),
        click.option(
            "--report",
            "report_path",
            type=click.Path(dir_okay=False, path_type=Path),
            help="Write the row-level report (file, line, field, value, reason, outcome) as CSV here.",
        ),
        click.option(
            "--actor",
            default=_current_user,
            show_default="the current user",
            help="Who imports, as kept with the import and in figure history.",
        ),
    ]
    return functools.reduce(lambda cmd, option: option(cmd), reversed(options), command)


def _options(kwargs: dict[str, Any], **extra: Any) -> Options:
    return Options(
        actor=kwargs["actor"],
        dry_run=kwargs["dry_run"],
        skip_invalid=kwargs["skip_invalid"],
        progress=kwargs.get("progress"),
        **extra,
    )


@contextlib.contextmanager
def _progress_shown(kwargs: dict[str, Any]) -> Iterator[None]:
    """On a terminal, a line on stderr saying what the import is doing and for how long, gone when it ends;
    in a pipe or a log, nothing: the summary alone."""
    if not sys.stderr.isatty():
        yield
        return
    name = click.get_current_context().info_name
    columns = (SpinnerColumn(), TextColumn(f"import {name}: {{task.description}}"), TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("starting", total=None)
        kwargs["progress"] = lambda doing: progress.update(task, description=doing, refresh=True)
        yield


def _run(settings: Settings, kwargs: dict[str, Any], work: Callable[[db.Connection], list[Result]]) -> None:
    """Connect, run one import, print its summary and write its report; exit 1 if it failed."""
    database_url = click.get_current_context().meta[DATABASE_URL]
    try:
        with _progress_shown(kwargs), db.connect(database_url(settings)) as conn:
            results = work(conn)
    except InvalidRows as error:
        _report(error.results, kwargs["report_path"])
        raise click.ClickException(str(error)) from None
    except ImportFailed as error:
        raise click.ClickException(str(error)) from None
    for result in results:
        for line in summary(result, dry_run=kwargs["dry_run"]):
            click.echo(line)
    _report(results, kwargs["report_path"])


def _report(results: list[Result], path: Path | None) -> None:
    """Write the report file; without one, print the first rejected rows and count the rest."""
    if path is not None:
        rows = write_report(path, results)
        click.echo(f"report: {rows} row(s) in {path}", err=True)
        return
    problems = [(r.file_name, p) for r in results for p in r.problems]
    rejected = [(name, p) for name, p in problems if p.outcome == "rejected"]
    for file_name, p in rejected[:PRINTED_PROBLEMS]:
        click.echo(f"{p.file or file_name}:{p.line}: {p.field} {p.value!r}: {p.reason}", err=True)
    others = Counter(p.outcome for _, p in problems if p.outcome != "rejected")
    more = len(rejected) - min(len(rejected), PRINTED_PROBLEMS)
    if more or others:
        counts = ", ".join(f"{n} {outcome}" for outcome, n in [("more rejected", more), *others.items()] if n)
        click.echo(f"({counts} row finding(s): --report FILE lists them all)", err=True)


def summary(result: Result, *, dry_run: bool) -> list[str]:
    """A few lines saying what an import did (or would do)."""
    notes = result.notes
    counts = (
        f"{result.inserted} to insert, {result.updated} to update"
        if dry_run
        else f"{result.inserted} inserted, {result.updated} updated"
    )
    lines = [
        f"{result.dataset.id} {result.version}: {result.file_name} (sha256 {result.sha256[:12]}), "
        f"{result.rows_read} rows read, {result.rejected} rejected, {result.skipped} skipped",
        f"  {counts}, {result.unchanged} unchanged",
    ]
    extras = {
        k: notes[k]
        for k in ("sources_created", "documents_created", "countries_created_or_named", "absent")
        if notes.get(k)
    }
    if extras:
        lines.append("  " + ", ".join(f"{k.replace('_', ' ')}: {v}" for k, v in extras.items()))
    if notes.get("placement"):
        lines.append("  placed by: " + ", ".join(f"{k} {v}" for k, v in notes["placement"].items()))
    for name in notes.get("unmatched_names", []):
        lines.append(f"  unmatched {name['field']} {name['name']!r} in {name['within']} ({name['rows']} rows)")
    if notes.get("seconds_by_step"):
        steps = ", ".join(f"{step} {seconds}" for step, seconds in notes["seconds_by_step"].items())
        lines.append(f"  took {notes['seconds']} s: {steps}")
    if dry_run:
        lines.append("  dry run: nothing written")
    elif result.committed:
        lines.append(f"  import #{result.import_id} committed" if result.import_id else "  committed")
    else:
        lines.append("  nothing changed: nothing written")
    return lines


@import_group.command("locations")
@click.option(
    "--ocha",
    type=_FILE,
    default="ocha_global_pcodes_adm1_adm2.csv",
    show_default=True,
    help="OCHA global p-codes (admin 1 and 2) CSV.",
)
@click.option(
    "--opensyria",
    type=_FILE,
    default="opensyria_syria_subdistricts_adm3.json",
    show_default=True,
    help="OpenSyria sub-districts (admin 3) JSON.",
)
@click.option(
    "--neighbourhoods",
    type=_FILE,
    default="aleppo_neighbourhoods_csr.geojson",
    show_default=True,
    help="Aleppo neighbourhoods GeoJSON (Columbia Center for Spatial Research).",
)
@common_options
@click.pass_obj
def import_locations(settings: Settings, /, ocha: Path, opensyria: Path, neighbourhoods: Path, **kwargs: Any) -> None:
    """Load countries, admin 1-3 units and Aleppo's neighbourhoods from the gazetteers."""
    from .datasets import CSR_NEIGHBOURHOODS, OCHA_PCODES, OPENSYRIA_SUBDISTRICTS
    from .locations import import_locations as run

    paths = {OCHA_PCODES.id: ocha, OPENSYRIA_SUBDISTRICTS.id: opensyria, CSR_NEIGHBOURHOODS.id: neighbourhoods}
    _run(settings, kwargs, lambda conn: run(conn, paths, _options(kwargs)))


# The options an importer's command may take beyond FILE and the common ones, by
# the Options field each sets (the registry lists which an importer takes).
_IMPORTER_OPTIONS = {
    "version": click.option(
        "--version", help="The dataset version the file is (default: the version of the copy in shared/data)."
    ),
    "released": click.option(
        "--released",
        type=click.DateTime(formats=["%Y-%m-%d"]),
        help="Publication date of that version (YYYY-MM-DD); figures are stated on it.",
    ),
    "max_distance_km": click.option(
        "--max-distance-km",
        type=click.FloatRange(min=0),
        default=25.0,
        show_default=True,
        help="How far an event may lie from the admin3 centroid it is placed in.",
    ),
}


def _file_command(name: str, importer: Importer) -> None:
    """`tally import NAME FILE`, with the options the importer takes."""

    def command(settings: Settings, /, file: Path, **kwargs: Any) -> None:
        extra = {option: kwargs.pop(option) for option in importer.options}
        if extra.get("released"):
            extra["released"] = extra["released"].date()  # click reads dates as datetimes
        _run(settings, kwargs, lambda conn: [importer.run(conn, file, _options(kwargs, **extra))])

    decorated = common_options(click.pass_obj(command))
    for option in reversed(importer.options):
        decorated = _IMPORTER_OPTIONS[option](decorated)
    import_group.command(name, help=importer.help)(click.argument("file", type=_FILE)(decorated))


for _name, _importer in IMPORTERS.items():
    _file_command(_name, _importer)
