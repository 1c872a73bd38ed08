"""`tally extract`: propose the figures of a text from the shell, and score the extractor on annotated texts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from .. import db
from ..importers.commands import DATABASE_URL
from ..repositories.extractions import reference_books
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
