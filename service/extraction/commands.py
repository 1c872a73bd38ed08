"""`tally extract`: propose the figures of a text from the shell, and score the extractor on annotated texts."""

from __future__ import annotations

import datetime as dt
import getpass
from pathlib import Path
from typing import Any

import click
import orjson

from .. import db
from ..importers.commands import DATABASE_URL
from ..repositories.extractions import create_extraction, document_id_for, get_extraction, reference_books
from .evaluation import evaluate


class _DefaultToFile(click.Group):
    """`tally extract FILE ...` runs the `file` command; `tally extract eval DIR` runs `eval`."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args = ["file", *args]
        return super().parse_args(ctx, args)


@click.group("extract", cls=_DefaultToFile)
def extract_group() -> None:
    """Propose the figures a text states (`tally extract FILE`), or score the extractor (`tally extract eval DIR`)."""


def _connect(settings: Any) -> db.Connection:
    database_url = click.get_current_context().meta[DATABASE_URL]
    return db.connect(database_url(settings))


@extract_group.command("eval")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.pass_obj
def evaluate_command(settings: Any, folder: Path) -> None:
    """Score the extractor on FOLDER's annotated texts (a .txt and a .gold.json each): a line per text, the median
    time per text, and last the overall line."""
    with _connect(settings) as conn:
        gazetteer, book = reference_books(conn)
    scores = list(evaluate(folder, gazetteer, book))
    if len(scores) == 1:
        raise click.ClickException(f"no annotated texts (*.gold.json beside *.txt) in {folder}")
    for name, score in scores[:-1]:
        click.echo(f"{name}: {score.line()} {score.details()}")
    overall = scores[-1][1]
    click.echo(f"overall: {overall.details()}")
    click.echo(overall.line())


@extract_group.command("file")
@click.argument("path", metavar="FILE", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--published-on", type=click.DateTime(["%Y-%m-%d"]), required=True, help="The publication date.")
@click.option("--title", help="The document's title  [default: the file's first line]")
@click.option("--publisher", help="The publisher's source id, if Tally has it.")
@click.option("--url", help="Where the document was published (never invent one).")
@click.option("--language", default="en", show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the extraction as JSON.")
@click.pass_obj
def file_command(
    settings: Any,
    path: Path,
    published_on: dt.datetime,
    title: str | None,
    publisher: str | None,
    url: str | None,
    language: str,
    as_json: bool,
) -> None:
    """Read FILE (UTF-8 plain text), store it with its document and print the figures it proposes."""
    text = path.read_text("utf-8")
    if not text.strip():
        raise click.ClickException(f"{path} holds no text")
    document = {
        "title": title or text.strip().splitlines()[0][:1000],
        "publisher": publisher,
        "url": url,
        "published_on": published_on.date(),
        "language": language,
    }
    with _connect(settings) as conn:
        document_id = document_id_for(conn, fields=document)
        extraction_id = create_extraction(conn, text=text, document_id=document_id, actor=_who())
        extraction = get_extraction(conn, extraction_id=extraction_id)
    if as_json:
        click.echo(orjson.dumps(extraction, option=orjson.OPT_INDENT_2).decode())
        return
    candidates = extraction["candidates"]
    click.echo(f"extraction {extraction_id} (document {document_id}): {len(candidates)} candidate(s)")
    for candidate in candidates:
        click.echo(_line(candidate))


def _who() -> str:
    """Who runs the command, as the operating system knows them."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "tally"


def _line(candidate: dict[str, Any]) -> str:
    """One candidate: number, span, words, reading, metric, place, period and source."""
    start, end = candidate["span"]
    bounds = f" {candidate['low'] or ''}-{candidate['high'] or ''}" if candidate["low"] or candidate["high"] else ""
    place = (candidate["location"] or {}).get("words") or "-"
    source = (candidate["source"] or {}).get("words") or "(the document)"
    period = f"{candidate['period_start'] or '?'}..{candidate['period_end'] or '?'}"
    return (
        f"{candidate['n']}\t{start}-{end}\t{candidate['stated_words']!r}\t{candidate['value']} {candidate['qualifier']}"
        f"{bounds}\t{candidate['metric']}\t{place}\t{period}\t{source}"
    )
