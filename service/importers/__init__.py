"""Importers of real open datasets (UCDP GED, UNHCR, IDMC) and gazetteers (OCHA p-codes, OpenSyria, Aleppo).

Each reads its file whole (keeping the checksum), validates every row, matches
place names to locations, stages rows with COPY and writes them with set-based
SQL (service/sql/queries/imports.sql) in one transaction, recorded as an import
of a dataset with its version and licence.
"""
