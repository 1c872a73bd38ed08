"""Figures: every metric at /v1/figures, and one collection per headline metric."""
from __future__ import annotations

from flask.views import MethodView

from ..errors import NotFound
from ..pagination import decode_cursor, page_response
from ..repositories import figures
from ..schemas.figures import AllFiguresQuerySchema, FigurePageSchema, FigureQuerySchema, FigureSchema
from . import Blueprint, connection, json_response

blp = Blueprint("figures", __name__, url_prefix="/v1", description=(
    "Figures with their provenance inline: who stated each number, where it was published, "
    "when, for which place and period, how precise it is and whether it is disputed."))

# Collections for the headline metrics: path -> metric id.
METRIC_COLLECTIONS = {
    "people-trapped": "people_trapped",
    "children-under-siege": "children_under_siege",
    "civilians-killed": "civilians_killed",
    "civilians-injured": "civilians_injured",
    "displaced": "displaced",
}


def figure_page(filters: dict):
    """The page of figures a query asks for, as a response."""
    limit = filters.pop("limit")
    after = decode_cursor(filters.pop("cursor", None))
    with connection() as conn:
        rows = figures.list_figures(conn, filters=filters, after=after, limit=limit)
    return page_response(rows, limit)


@blp.route("/figures")
class Figures(MethodView):
    @blp.arguments(AllFiguresQuerySchema, location="query")
    @blp.response(200, FigurePageSchema)
    @blp.alt_response(400, response="BAD_REQUEST")
    def get(self, args):
        """List figures of every metric"""
        return figure_page(args)


@blp.route("/figures/<int:figure_id>")
class FigureById(MethodView):
    @blp.response(200, FigureSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, figure_id: int):
        """Get one figure"""
        with connection() as conn:
            row = figures.get_figure(conn, figure_id=figure_id)
        if row is None:
            raise NotFound(f"No figure with id {figure_id}.")
        return json_response(row["body"])


def _metric_collection(path: str, metric: str) -> None:
    """Register /v1/<path>: the figure collection of one metric."""

    class MetricFigures(MethodView):
        @blp.arguments(FigureQuerySchema, location="query")
        @blp.response(200, FigurePageSchema)
        @blp.alt_response(400, response="BAD_REQUEST")
        def get(self, args):
            return figure_page(args | {"metric": [metric]})

    MetricFigures.get.__doc__ = f"List {metric.replace('_', ' ')} figures"
    blp.route(f"/{path}", endpoint=path)(MetricFigures)


for _path, _metric in METRIC_COLLECTIONS.items():
    _metric_collection(_path, _metric)
