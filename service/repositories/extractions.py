"""What the extraction assistant reads from Tally (its gazetteer and source book) and what it stores: extractions,
their candidates, and the decisions on them (an accepted candidate goes through the normal figure write path)."""

from __future__ import annotations

from datetime import date
from typing import Any

from psycopg.types.json import Jsonb

from ..db import Connection, one, queries, savepoint
from ..errors import Conflict, InvalidParameter, NotFound
from ..extraction.extractor import candidates_json, extract
from ..extraction.model import Document
from ..extraction.places import Gazetteer
from ..extraction.sources import SourceBook
from . import figure_writes

# (data version) -> the gazetteer and source book built from it: places and sources change only with it.
_books: dict[int, tuple[Gazetteer, SourceBook]] = {}
# Fields a figure needs that a candidate may lack; a correction gives them.
_NEEDED = ("location", "source", "period_end", "stated_on")
_PLACES = ("location", "origin", "destination")


class AlreadyDecided(Conflict):
    """This candidate was accepted or rejected already."""


def reference_books(conn: Connection) -> tuple[Gazetteer, SourceBook]:
    """The gazetteer and source book of the current data version, built once per version."""
    version = one(conn.execute(queries("caching")["data_version"]))["version"]
    if version not in _books:
        sql = queries("extractions")
        gazetteer = Gazetteer(conn.execute(sql["gazetteer_rows"]).fetchall())
        book = SourceBook(conn.execute(sql["source_rows"]).fetchall())
        _books.clear()
        _books[version] = (gazetteer, book)
    return _books[version]


def document_id_for(conn: Connection, *, fields: dict[str, Any]) -> int:
    """The id of the document these fields describe: created, or the one Tally has with its title, publisher and
    date."""
    row = {"publisher": None, "url": None, "published_on": None, "retrieved_on": None, "language": None} | fields
    sql = queries("extractions")
    with savepoint(conn):
        created = conn.execute(sql["insert_document_once"], row).fetchone()
    if created is not None:
        return int(created["id"])
    return int(one(conn.execute(sql["find_document"], row))["id"])


def create_extraction(conn: Connection, text: str, *, document_id: int, actor: str) -> int:
    """Read text, store it with its candidates, and return the extraction's id."""
    sql = queries("extractions")
    document = conn.execute(sql["get_document"], {"id": document_id}).fetchone()
    if document is None:
        raise InvalidParameter("document_id", "Unknown document (see /v1/documents).", where="json")
    gazetteer, book = reference_books(conn)
    proposals = extract(text, Document(document["published_on"], document["title"]), gazetteer, book)
    params = {"document_id": document_id, "text": text, "created_by": actor}
    extraction_id = int(one(conn.execute(sql["insert_extraction"], params))["id"])
    rows = [_candidate_row(extraction_id, candidate) for candidate in candidates_json(proposals)]
    with conn.cursor() as cursor:
        cursor.executemany(sql["insert_candidate"], rows)
    return extraction_id


def _candidate_row(extraction_id: int, candidate: dict[str, Any]) -> dict[str, Any]:
    proposal = {k: v for k, v in candidate.items() if k not in ("n", "confidence", "reasons", "disputed_by")}
    return {
        "extraction_id": extraction_id,
        "n": candidate["n"],
        "span_start": candidate["span"][0],
        "span_end": candidate["span"][1],
        "quote_start": candidate["quote_span"][0],
        "quote_end": candidate["quote_span"][1],
        "proposal": Jsonb(proposal),
        "confidence": Jsonb(candidate["confidence"]),
        "reasons": Jsonb(candidate["reasons"]),
        "disputed_by": Jsonb(candidate["disputed_by"]),
    }


def get_extraction(conn: Connection, *, extraction_id: int) -> dict[str, Any]:
    """An extraction with its document and its candidates, as the API serves it; NotFound if there is none."""
    sql = queries("extractions")
    extraction = conn.execute(sql["get_extraction"], {"id": extraction_id}).fetchone()
    if extraction is None:
        raise NotFound(f"No extraction with id {extraction_id}.")
    document = one(conn.execute(sql["get_document"], {"id": extraction["document_id"]}))
    candidates = conn.execute(sql["list_candidates"], {"id": extraction_id}).fetchall()
    return {
        "id": extraction["id"],
        "document": dict(document),
        "text": extraction["text"],
        "created_by": extraction["created_by"],
        "created_at": extraction["created_at"],
        "candidates": [_candidate_body(row) for row in candidates],
    }


def _candidate_body(row: dict[str, Any]) -> dict[str, Any]:
    figure = f"/v1/figures/{row['figure_id']}" if row["figure_id"] else None
    decision = {
        "n": row["n"],
        "state": row["state"],
        "figure": figure,
        "reject_reason": row["reject_reason"],
        "decided_by": row["decided_by"],
        "decided_at": row["decided_at"],
    }
    extras = {"confidence": row["confidence"], "reasons": row["reasons"], "disputed_by": row["disputed_by"]}
    proposal: dict[str, Any] = row["proposal"]
    return decision | proposal | extras


def _locked(conn: Connection, extraction_id: int, n: int) -> dict[str, Any]:
    """The candidate, locked; NotFound if there is none, AlreadyDecided if it is not proposed any more."""
    row = conn.execute(queries("extractions")["lock_candidate"], {"id": extraction_id, "n": n}).fetchone()
    if row is None:
        raise NotFound(f"No candidate {n} in extraction {extraction_id}.")
    if row["state"] != "proposed":
        figure = f"/v1/figures/{row['figure_id']}" if row["figure_id"] else None
        raise AlreadyDecided(f"Candidate {n} of extraction {extraction_id} is {row['state']} already.", figure=figure)
    return dict(row)


def accept_candidate(conn: Connection, *, extraction_id: int, n: int, corrections: dict[str, Any], actor: str) -> int:
    """Make a candidate a figure, corrected where corrections say, through the normal write path (its revision
    reason names the extraction); returns the figure's id."""
    row = _locked(conn, extraction_id, n)
    note = corrections.pop("reason", None)
    with_disputes = corrections.pop("record_disputes", True)
    fields = figure_fields(row["proposal"], document_id=row["document_id"], publisher=row["publisher_id"],
                           published_on=row["published_on"]) | corrections  # fmt: skip
    fields["period_start"] = fields.get("period_start") or fields.get("period_end")
    for name in _PLACES:
        _refuse_undecided_place(row["proposal"].get(name), name, corrections)
    for name in _NEEDED:
        if fields.get(name) is None:
            raise InvalidParameter(
                name, f"The candidate names no known {name}: give one as a correction.", where="json"
            )
    reason = f"Accepted from extraction {extraction_id}, candidate {n}" + (f": {note}" if note else "")
    figure_id = int(figure_writes.create_figure(conn, fields=fields, actor=actor, reason=reason)["id"])
    disputed_by = []
    for dispute in row["disputed_by"]:
        recorded = None
        if with_disputes and dispute["source_id"]:  # who disputes must be a source Tally knows
            proposed = dispute_fields(dispute, figure=fields, extraction_id=extraction_id, n=n)
            recorded = figure_writes.add_dispute(conn, figure_id=figure_id, dispute=proposed, actor=actor)["dispute_id"]
        disputed_by.append(dispute | {"recorded": recorded})
    params = {"id": extraction_id, "n": n, "figure_id": figure_id, "actor": actor, "disputed_by": Jsonb(disputed_by)}
    conn.execute(queries("extractions")["accept_candidate"], params)
    return figure_id


def _refuse_undecided_place(place: dict[str, Any] | None, name: str, corrections: dict[str, Any]) -> None:
    """A place whose words name places in several countries, with nothing in the text to tell which, is the
    reviewer's choice: a 422 until the correction names it."""
    if place is None or not place.get("others") or name in corrections:
        return
    choices = ", ".join([place["location"], *(other["location"] for other in place["others"])])
    message = (
        f"'{place['words']}' names places in several countries ({choices}) and the text does not say which: "
        "give the location as a correction."
    )
    raise InvalidParameter(name, message, where="json")


def dispute_fields(dispute: dict[str, Any], *, figure: dict[str, Any], extraction_id: int, n: int) -> dict[str, Any]:
    """A proposed dispute as a dispute of the figure accepted: by the source the text names, quoted, stated in the
    same document on the same day as the figure."""
    return {
        "source": dispute["source_id"],
        "document": figure["document"],
        "stated_on": figure["stated_on"],
        "quote": dispute["words"],
        "note": f'Proposed by extraction {extraction_id} with candidate {n} ("{dispute["cue"]}")',
    }


def figure_fields(
    proposal: dict[str, Any], *, document_id: int, publisher: str | None, published_on: date | None
) -> dict[str, Any]:
    """A figure's body fields from a candidate: places and source by the ids matched (the document's publisher
    for its own voice), stated on the published date."""

    def place(name: str) -> str | None:
        return (proposal.get(name) or {}).get("location")

    source = proposal.get("source")
    stated_on = proposal.get("stated_on") or (published_on.isoformat() if published_on else proposal["period_end"])
    return {
        "metric": proposal["metric"],
        "count_kind": proposal["count_kind"],
        "value": proposal["value"],
        "low": proposal["low"],
        "high": proposal["high"],
        "qualifier": proposal["qualifier"],
        "stated_words": proposal["stated_words"],
        "population_group": proposal["population_group"],
        "location": place("location"),
        "origin": place("origin"),
        "destination": place("destination"),
        "period_start": proposal["period_start"],
        "period_end": proposal["period_end"],
        "stated_on": stated_on,
        "source": source["source"] if source else publisher,
        "document": document_id,
        "quote": proposal["quote"],
    }


def reject_candidate(conn: Connection, *, extraction_id: int, n: int, reason: str, actor: str) -> None:
    """Mark a candidate as no figure, with the reason."""
    _locked(conn, extraction_id, n)
    conn.execute(
        queries("extractions")["reject_candidate"], {"id": extraction_id, "n": n, "reason": reason, "actor": actor}
    )
