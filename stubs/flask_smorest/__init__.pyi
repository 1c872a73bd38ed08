# The part of flask-smorest's API that Tally uses (see stubs/README.md).
from collections.abc import Callable
from typing import Any, TypeVar

import flask
from apispec import APISpec
from flask.typing import ResponseReturnValue
from marshmallow import Schema, fields
from webargs.flaskparser import FlaskParser
from werkzeug.exceptions import HTTPException

_T = TypeVar("_T")
# A schema class or instance, a component name, or an OpenAPI schema dict.
_SchemaRef = type[Schema] | Schema | str | dict[str, Any]

# The decorators register the view and its documentation; they leave the view's
# type as it was (flask calls it, Tally never does).
class Blueprint(flask.Blueprint):
    ARGUMENTS_PARSER: FlaskParser
    def __init__(
        self, name: str, import_name: str, *args: Any, description: str | None = None, **kwargs: Any
    ) -> None: ...
    def route(
        self, rule: str, *, parameters: list[Any] | None = None, tags: list[str] | None = None, **options: Any
    ) -> Callable[[_T], _T]: ...
    def arguments(
        self,
        schema: type[Schema] | Schema,
        *,
        location: str = "json",
        content_type: str | None = None,
        required: bool = True,
        description: str | None = None,
        example: Any = None,
        examples: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> Callable[[_T], _T]: ...
    def response(
        self,
        status_code: int | str,
        schema: _SchemaRef | None = None,
        *,
        content_type: str | None = None,
        description: str | None = None,
        example: Any = None,
        examples: dict[str, Any] | None = None,
        headers: dict[str, Any] | None = None,
    ) -> Callable[[_T], _T]: ...
    def alt_response(
        self,
        status_code: int | str,
        response: str | None = None,
        *,
        schema: _SchemaRef | None = None,
        content_type: str | None = None,
        description: str | None = None,
        example: Any = None,
        examples: dict[str, Any] | None = None,
        headers: dict[str, Any] | None = None,
        success: bool = False,
    ) -> Callable[[_T], _T]: ...
    @staticmethod
    def doc(**kwargs: Any) -> Callable[[_T], _T]: ...

class Api:
    # None until init_app; Tally always passes the app to the constructor.
    spec: APISpec
    ERROR_SCHEMA: type[Schema]
    def __init__(
        self, app: flask.Flask | None = None, *, spec_kwargs: dict[str, Any] | None = None, config_prefix: str = ""
    ) -> None: ...
    def init_app(self, app: flask.Flask, *, spec_kwargs: dict[str, Any] | None = None) -> None: ...
    def register_blueprint(self, blp: Blueprint, *, parameters: list[Any] | None = None, **options: Any) -> None: ...
    def register_field(self, field: type[fields.Field[Any]], *args: Any) -> None: ...
    def handle_http_exception(self, error: HTTPException) -> ResponseReturnValue: ...
    def _register_responses(self) -> None: ...
