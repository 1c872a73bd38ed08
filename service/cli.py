"""The `tally` command: database set-up, seed data, OpenAPI document and the server."""

from __future__ import annotations

import dataclasses
import json
import os
import sys
from pathlib import Path

import click

from . import db, migrations
from .api import API_KEY
from .config import PROJECT_ROOT, Settings
from .extraction.commands import extract_group
from .importers.commands import DATABASE_URL, import_group

OPENAPI_FILE = PROJECT_ROOT / "openapi" / "openapi.json"


def database_url(settings: Settings) -> str:
    """DATABASE_URL, or the embedded server's URL (started on demand) when it is unset."""
    if settings.database_url:
        return settings.database_url
    from .embedded import embedded_server_url

    return embedded_server_url(settings.embedded_pgdata)


@click.group()
@click.version_option(package_name="tally", message="tally %(version)s")
@click.pass_context
def main(ctx: click.Context) -> None:
    """Tally: humanitarian figures with their provenance."""
    ctx.obj = Settings.from_env()
    ctx.meta[DATABASE_URL] = database_url  # for `tally import`, which cannot import this module


@main.group("db")
def db_group() -> None:
    """The database."""


@db_group.command("upgrade")
@click.pass_obj
def db_upgrade(settings: Settings) -> None:
    """Apply pending migrations."""
    with db.connect(database_url(settings)) as conn:
        done = migrations.upgrade(conn)
    click.echo(f"applied {len(done)} migration(s){': ' + ', '.join(done) if done else ''}")


@db_group.command("url")
@click.pass_obj
def db_url(settings: Settings) -> None:
    """Print the database URL Tally uses (starting the embedded server if needed)."""
    click.echo(database_url(settings))


@db_group.command("stop")
@click.pass_obj
def db_stop(settings: Settings) -> None:
    """Stop the embedded PostgreSQL server, if it runs."""
    from .embedded import EmbeddedServerInUse, stop_embedded_server

    try:
        click.echo("stopped" if stop_embedded_server(settings.embedded_pgdata) else "not running")
    except EmbeddedServerInUse as error:
        raise click.ClickException(f"not stopped: {error}") from None


@main.group()
def keys() -> None:
    """API keys (stored as hashes; a key is shown once, when created)."""


@keys.command("create")
@click.argument("name")
@click.option("--scope", type=click.Choice(["read", "write", "admin"]), default="write", show_default=True)
@click.pass_obj
def keys_create(settings: Settings, name: str, scope: str) -> None:
    """Create a key called NAME and print it (the only time it is shown)."""
    from .auth import new_token, token_hash
    from .repositories import api_keys

    token = new_token()
    with db.connect(database_url(settings)) as conn:
        try:
            with db.savepoint(conn):
                key = api_keys.create_key(
                    conn, name=name, scope=scope, token_hash=token_hash(token), token_prefix=token[:10]
                )
        except db.ConstraintViolation:
            raise click.BadParameter(
                "use letters, digits, spaces and . _ @ - (at most 63 characters)", param_hint="NAME"
            ) from None
    click.echo(
        f"created key {key['id']} {key['name']!r} with scope {key['scope']}; keep it, it is not shown again:", err=True
    )
    click.echo(token)


@keys.command("list")
@click.pass_obj
def keys_list(settings: Settings) -> None:
    """List keys: id, name, scope, prefix, created, revoked."""
    from .repositories import api_keys

    with db.connect(database_url(settings)) as conn:
        click.echo("id\tname\tscope\tprefix\tcreated\trevoked")
        for key in api_keys.list_keys(conn):
            revoked = key["revoked_at"].isoformat(timespec="seconds") if key["revoked_at"] else "-"
            click.echo(
                f"{key['id']}\t{key['name']}\t{key['scope']}\t{key['token_prefix']}…\t"
                f"{key['created_at'].isoformat(timespec='seconds')}\t{revoked}"
            )


@keys.command("revoke")
@click.argument("key_id", type=int)
@click.pass_obj
def keys_revoke(settings: Settings, key_id: int) -> None:
    """Revoke key KEY_ID: requests with it get 401 from now on."""
    from .repositories import api_keys

    with db.connect(database_url(settings)) as conn:
        key = api_keys.revoke_key(conn, key_id=key_id)
    if key is None:
        raise click.ClickException(f"no key with id {key_id}")
    click.echo(f"revoked key {key['id']} {key['name']!r}")


@main.command()
@click.pass_obj
def seed(settings: Settings) -> None:
    """Load the seed data set (idempotent: a second run adds nothing)."""
    from .seed import load_seed

    with db.connect(database_url(settings)) as conn:
        added = load_seed(conn)
    click.echo(f"seed: {added} new figure(s)")


# `tally import locations|ucdp|unhcr|idmc`: see service/importers/commands.py.
main.add_command(import_group)
# `tally extract FILE` and `tally extract eval DIR`: see service/extraction/commands.py.
main.add_command(extract_group)


@main.command()
@click.option("--host", help="Address to listen on  [default: HOST, else 127.0.0.1]")
@click.option("--port", type=click.IntRange(1, 65535), help="Port to listen on  [default: PORT, else 8000]")
@click.option("--workers", type=click.IntRange(min=1), help="Worker processes  [default: WEB_CONCURRENCY, else 2]")
@click.pass_obj
def serve(settings: Settings, host: str | None, port: int | None, workers: int | None) -> None:
    """Serve the API with gunicorn. The options override the settings of the same names."""
    settings = dataclasses.replace(
        settings,
        host=settings.host if host is None else host,
        port=settings.port if port is None else port,
        workers=settings.workers if workers is None else workers,
    )
    # gunicorn reads WEB_CONCURRENCY itself when imported and fails on an empty
    # value; Tally treats empty as unset, so gunicorn must not see it.
    if not os.environ.get("WEB_CONCURRENCY", "x").strip():
        del os.environ["WEB_CONCURRENCY"]
    from .server import TallyServer

    url = database_url(settings)
    served = f"http://{settings.host}:{settings.port}"
    click.echo(f"Tally on {served}  (docs: {served}/docs and {served}/redoc)")
    TallyServer(settings, url).run()


@main.command()
@click.option("--check", is_flag=True, help="Fail if the committed document differs from the code.")
@click.option("--output", type=click.Path(path_type=Path), default=OPENAPI_FILE, show_default=True)
def openapi(check: bool, output: Path) -> None:
    """Write the OpenAPI document generated from the code."""
    document = render_openapi()
    if check:
        if not output.exists() or output.read_text("utf-8") != document:
            sys.exit(f"{output} is out of date: run `tally openapi`")
        click.echo(f"{output} is up to date")
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(document, "utf-8")
    click.echo(f"wrote {output}")


def render_openapi() -> str:
    """The OpenAPI document as committed: stable key order, trailing newline."""
    from .app import create_app

    app = create_app(Settings(), database_url="", open_pool=False)
    return json.dumps(app.extensions[API_KEY].spec.to_dict(), indent=2, ensure_ascii=False) + "\n"
