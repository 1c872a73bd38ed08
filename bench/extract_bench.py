"""Extraction speed: a 1,500-word article read into candidate figures, timed after a warm-up.

The article is the bodies of the annotated texts in FOLDER (the format of `tally extract eval`), one after the
other, cut at 1,500 words with their lines kept. The gazetteer and source book come from DATABASE_URL's database
(built once, as a server builds them once per data version; that time is printed apart). The last line reads
`words=<n> candidates=<n> runs=<n> median_ms=<x> books_ms=<x>`.

    DATABASE_URL=postgresql://... .venv/bin/python bench/extract_bench.py ../shared/extraction
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from datetime import date
from pathlib import Path

from service import db
from service.extraction.extractor import extract
from service.extraction.model import Document
from service.repositories.extractions import reference_books

WORDS = 1_500
RUNS = 21


def article(folder: Path) -> str:
    """The texts' bodies (after the three header lines), cut at WORDS words with their lines kept."""
    lines: list[str] = []
    count = 0
    for path in sorted(folder.glob("*.txt")):
        for line in path.read_text("utf-8").split("\n")[3:]:
            taken = line.split()[: WORDS - count]
            count += len(taken)
            lines.append(" ".join(taken) if len(taken) < len(line.split()) else line)
            if count >= WORDS:
                return "\n".join(lines)
    return "\n".join(lines)


def main() -> None:
    text = article(Path(sys.argv[1]))
    with db.connect(os.environ["DATABASE_URL"]) as conn:
        began = time.perf_counter()
        gazetteer, book = reference_books(conn)
        books_ms = (time.perf_counter() - began) * 1000
    document = Document(date(2016, 11, 27))
    extract(text, document, gazetteer, book)  # warm-up: spaCy's pipeline and the regular expressions
    timings = []
    for _ in range(RUNS):
        began = time.perf_counter()
        found = extract(text, document, gazetteer, book)
        timings.append((time.perf_counter() - began) * 1000)
    print(
        f"words={len(text.split())} candidates={len(found.candidates)} runs={RUNS} "
        f"median_ms={statistics.median(timings):.1f} books_ms={books_ms:.0f}"
    )


if __name__ == "__main__":
    main()
