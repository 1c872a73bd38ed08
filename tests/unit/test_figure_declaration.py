"""The figure declaration (service/figure.py) and what is derived from it, without a database."""

from __future__ import annotations

import pytest
from marshmallow import ValidationError

from service import figure, formats
from service.importers.figures import StagedFigure
from service.schemas.analysis import ClaimsQuerySchema, CoverageQuerySchema, FigureTotalsQuerySchema, TotalsQuerySchema
from service.schemas.figure_writes import FigureCreateSchema, FigureFieldsSchema
from service.schemas.figures import AllFiguresQuerySchema, FigureQuerySchema, FigureSchema


def sql_text(composable) -> str:
    return composable.as_string(None)


FILTER_PARAMETERS = set(figure.filter_fields())


def test_every_filter_has_a_query_parameter_and_ids_stay_internal():
    assert {
        "metric",
        "count_kind",
        "min_value",
        "max_value",
        "qualifier",
        "population_group",
        "location",
        "origin",
        "destination",
        "from_",
        "to",
        "stated_from",
        "stated_to",
        "source",
        "q",
        "status",
        "updated_since",
        "dataset",
    } == FILTER_PARAMETERS


@pytest.mark.parametrize(
    ("schema", "without"),
    [
        (AllFiguresQuerySchema, set()),
        (FigureQuerySchema, {"metric"}),
        (ClaimsQuerySchema, set()),
        (CoverageQuerySchema, set()),
        (TotalsQuerySchema, {"metric"}),
        (FigureTotalsQuerySchema, set()),  # its metric is the one metric to total
    ],
)
def test_every_figure_read_takes_every_declared_filter(schema, without):
    assert FILTER_PARAMETERS - without <= set(schema().fields)


def test_the_response_schema_is_the_declared_json_fields_in_order():
    assert list(FigureSchema().fields) == [declared.name for declared in figure.JSON_FIELDS]
    assert all(field.required for field in FigureSchema().fields.values())


def test_the_json_body_names_every_declared_field_in_order():
    body = sql_text(figure.figure_body_sql())
    positions = [body.index(f"'{declared.name}', ") for declared in figure.JSON_FIELDS]
    assert positions == sorted(positions)


def test_csv_columns_follow_the_declaration_and_the_import_reads_a_subset():
    assert formats.COLUMNS == figure.COLUMNS
    names = [column.name for column in figure.COLUMNS]
    assert len(names) == len(set(names))
    assert set(figure.READ) < set(names)
    assert [c.path[0] for c in figure.COLUMNS] == sorted(
        (c.path[0] for c in figure.COLUMNS), key=list(figure.BY_NAME).index
    )


def test_clients_write_the_declared_body_fields_and_must_give_the_required_ones():
    assert list(FigureFieldsSchema().fields) == [declared.name for declared in figure.BODY_FIELDS]
    with pytest.raises(ValidationError) as error:
        FigureCreateSchema().load({})
    assert set(error.value.messages) == set(figure.REQUIRED_ON_CREATE)
    assert set(figure.INSERT_DEFAULTS) | set(figure.REQUIRED_ON_CREATE) == {d.name for d in figure.BODY_FIELDS}


def test_the_insert_names_every_body_field_once():
    statement = sql_text(figure.insert_one())
    for declared in figure.BODY_FIELDS:
        assert statement.count(f"%({declared.name})s") == 1
        assert f'"{figure.column_of(declared.name)}"' in statement


def test_staged_figures_carry_every_imported_column():
    staged = set(StagedFigure._fields)
    assert {("document_key" if c == "document_id" else c) for c in figure.IMPORTED_COLUMNS} <= staged


def test_the_where_builder_adds_only_the_given_filters():
    assert sql_text(figure.where({}, defaults=False)) == "true"
    assert sql_text(figure.where({})) == "f.status <> 'retracted'"
    assert sql_text(figure.where({"status": ["retracted"]})) == '"f"."status" = ANY(%(status)s)'
    assert sql_text(figure.where({"source": ["sohr"], "from_": "2016-11-01"}, exclude=("status",))) == (
        '"f"."period_end" >= %(from_)s AND "f"."source_id" = ANY(%(source)s)'
    )
    assert sql_text(figure.where({"min_value": 5}, defaults=False)) == '"f"."value" >= %(min_value)s'


@pytest.mark.parametrize(
    ("query", "error"),
    [
        ({"from": "2017", "to": "2016"}, {"from": ["from must not be later than to."]}),
        (
            {"stated_from": "2016-12", "stated_to": "2016-11"},
            {"stated_from": ["stated_from must not be later than stated_to."]},
        ),
        ({"min_value": "9", "max_value": "2"}, {"min_value": ["min_value must not be greater than max_value."]}),
    ],
)
def test_bounds_out_of_order_are_refused_by_every_read(query, error):
    for schema in (AllFiguresQuerySchema, ClaimsQuerySchema, CoverageQuerySchema, TotalsQuerySchema):
        with pytest.raises(ValidationError) as raised:
            schema().load(query)
        assert raised.value.messages == error


def test_loaded_filters_are_query_parameters():
    loaded = AllFiguresQuerySchema().load({"from": "2016-11", "to": "2016", "q": "50%_off", "stated_to": "2016-02"})
    assert (str(loaded["from_"]), str(loaded["to"]), loaded["q"], str(loaded["stated_to"])) == (
        "2016-11-01",
        "2016-12-31",
        r"%50\%\_off%",
        "2016-02-29",
    )
