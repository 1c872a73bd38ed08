"""What the extraction assistant reads from Tally (its gazetteer and source book) and what it stores."""

from __future__ import annotations

from ..db import Connection, one, queries
from ..extraction.places import Gazetteer
from ..extraction.sources import SourceBook

# (data version) -> the gazetteer and source book built from it: places and sources change only with it.
_books: dict[int, tuple[Gazetteer, SourceBook]] = {}


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
