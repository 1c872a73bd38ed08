"""The datasets Tally imports: who publishes each, its licence and how to cite it.

Versions and dates are those of the copies in shared/data (see its README);
--version and --released override them for newer copies.
"""

from __future__ import annotations

import datetime as dt

from .core import Dataset

OCHA_PCODES = Dataset(
    id="ocha-cod-ab",
    name="OCHA global p-codes (COD-AB admin 1 and 2)",
    kind="gazetteer",
    publisher="UN OCHA",
    url="https://github.com/OCHA-DAP/hdx-python-country",
    licence="CC BY-IGO (as OCHA publishes CODs on HDX; not confirmed for this table)",
    citation="UN OCHA, Common Operational Datasets - Administrative Boundaries (COD-AB), global p-code table, "
    "via HDX; snapshot in OCHA-DAP/hdx-python-country tests/fixtures.",
    description="Admin 1 and 2 p-codes and names of 156 countries; each row carries the date its COD version is "
    "valid from, which Tally keeps as the location's gazetteer version.",
    version="hdx-python-country@b40de354 (2026-02-11)",
)

OPENSYRIA_SUBDISTRICTS = Dataset(
    id="opensyria-subdistricts",
    name="OpenSyria sub-districts (admin 3)",
    kind="gazetteer",
    publisher="Open Syria",
    url="https://github.com/Open-Syria/data-geography",
    licence="CC BY 4.0",
    citation="Open Syria, data-geography: subdistricts.json (built from OCHA COD-AB via HDX/geoBoundaries, "
    "GeoNames, Wikidata and USCB population).",
    description="272 Syrian sub-districts with OCHA p-codes, English and Arabic names, aliases and centroids.",
    version="data-geography@bebd183c (2026-07-02)",
)

CSR_NEIGHBOURHOODS = Dataset(
    id="csr-aleppo-neighbourhoods",
    name="Aleppo neighbourhoods (Columbia Center for Spatial Research)",
    kind="gazetteer",
    publisher="Columbia Center for Spatial Research",
    url="https://github.com/CenterForSpatialResearch/aleppo_test",
    licence="MIT (c) 2019 Columbia Center for Spatial Research",
    citation='Center for Spatial Research, Columbia University, "Conflict Urbanism: Aleppo", neighbourhood layer '
    "(based on a UN-Habitat 2013 list, checked against Wikimapia, Google Maps and UNOSAT).",
    description="Neighbourhood outlines of Aleppo city with English and Arabic names; no p-codes.",
    version="aleppo_test@3f750b94 (2021-03-17)",
)

UCDP_GED = Dataset(
    id="ucdp-ged",
    name="UCDP Georeferenced Event Dataset (GED), Syria",
    kind="figures",
    publisher="Uppsala Conflict Data Program (UCDP)",
    url="https://ucdp.uu.se/downloads/",
    licence="CC BY-IGO (as published on HDX); free to use with citation",
    citation="Sundberg, Ralph and Erik Melander (2013) Introducing the UCDP Georeferenced Event Dataset. "
    "Journal of Peace Research 50(4). Data: UCDP GED Syria 652.1601.1911, codebook version 19.1.",
    description="Events of organised violence in Syria 2016-01-01..2019-11-30, each with the sources UCDP coded "
    "it from, its place and its deaths (civilians; total as low, best and high estimates).",
    version="19.1 (GED Syria 652.1601.1911)",
)

UNHCR_POPULATION = Dataset(
    id="unhcr-population",
    name="UNHCR Refugee Population Statistics: population",
    kind="figures",
    publisher="UNHCR",
    url="https://www.unhcr.org/refugee-statistics/",
    licence="CC BY 4.0",
    citation="UNHCR Refugee Population Statistics Database, population table (refugees R package "
    "2025.12.1, PopulationStatistics/refugees). (c) UNHCR.",
    description="Forcibly displaced and stateless people by year, country of origin and country of asylum, "
    "1951-2025; end-of-year stocks.",
    version="2025.12.1",
    # Version YYYY.12.x holds the end-of-year figures of YYYY (Global Trends); 2025.12.1 was published
    # on 2026-06-25 (the package's NEWS), so its figures are stated then, after the period they describe.
    released=dt.date(2026, 6, 25),
)

IDMC_GIDD = Dataset(
    id="idmc-gidd",
    name="IDMC Global Internal Displacement Database (GIDD): conflict and violence",
    kind="figures",
    publisher="Internal Displacement Monitoring Centre (IDMC)",
    url="https://www.internal-displacement.org/database/",
    licence="CC BY-IGO",
    citation="Internal Displacement Monitoring Centre (IDMC), Global Internal Displacement Database, "
    "conflict and violence displacement (GIDD API, last updated 2025-05-13).",
    description="New displacements during each year and total internally displaced people at its end, by country, "
    "2009-2024; exact and rounded values.",
    version="2025-05-13",
    released=dt.date(2025, 5, 13),
)


TALLY_CSV = Dataset(
    id="tally-csv",
    name="Tally CSV and HXL exports",
    kind="figures",
    publisher="Tally",
    url=None,
    licence="As each figure's source and document state",
    citation="Figures exported from a Tally instance, with their sources and documents as columns.",
    description="Figures imported from Tally's own CSV or HXL export (or an HXL file tagged the same way); "
    "each keeps the id it had where it was exported.",
    version="1",
)
