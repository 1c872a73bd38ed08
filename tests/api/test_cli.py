"""The `tally` command for people: its version, `serve`'s options, and a header on `keys list`."""

from __future__ import annotations

import http.client
import socket
from importlib.metadata import version

from click.testing import CliRunner

from service.cli import main
from tests.live_server import free_port, live_server


def test_version_names_the_installed_release():
    result = CliRunner().invoke(main, ["--version"])
    assert (result.exit_code, result.output) == (0, f"tally {version('tally')}\n")


def test_serve_options_override_the_settings(seeded_url):
    given, in_settings = free_port(), free_port()
    options = ("--host", "127.0.0.1", "--port", str(given), "--workers", "1")
    with live_server(seeded_url, options=options, PORT=str(in_settings)), socket.socket() as probe:
        connection = http.client.HTTPConnection("127.0.0.1", given, timeout=5)
        try:
            connection.request("GET", "/healthz")
            assert connection.getresponse().status == 200
        finally:
            connection.close()
        assert probe.connect_ex(("127.0.0.1", in_settings)) != 0


def test_serve_refuses_a_port_out_of_range():
    result = CliRunner().invoke(main, ["serve", "--port", "70000"])
    assert result.exit_code == 2
    assert "Invalid value for '--port': 70000 is not in the range 1<=x<=65535." in result.output


def test_keys_list_starts_with_a_header_row(fresh_url):
    runner = CliRunner()
    env = {"DATABASE_URL": fresh_url}
    created = runner.invoke(main, ["keys", "create", "dashboard", "--scope", "read"], env=env)
    assert created.exit_code == 0, created.output
    listed = runner.invoke(main, ["keys", "list"], env=env)
    lines = listed.output.splitlines()
    assert lines[0] == "id\tname\tscope\tprefix\tcreated\trevoked"
    assert [line.split("\t")[1:3] for line in lines[1:]] == [["dashboard", "read"]]
