"""A PostgreSQL primary and a real streaming replica of it, private to a test run, on free ports.

Built with the binaries of the embedded server (the pgserver wheel Tally already depends on), so the replica
tests need no system server and leave any at TEST_DATABASE_URL alone: initdb, the primary started with
wal_level=replica, pg_basebackup -R for the replica. As root (a CI container), the servers run as pgserver's
own system user, as the embedded server does: PostgreSQL refuses to run as root.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import tempfile
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg

from tests.live_server import free_port

# Settings that make a throwaway cluster fast; none changes what replication does.
FAST = ("fsync = off", "full_page_writes = off", "wal_keep_size = '256MB'", "max_wal_senders = 4")


def _binaries() -> tuple[Path, str | None]:
    """Where the embedded server's binaries are, and the system user to run them as (None: this one)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs, when XDG_RUNTIME_DIR is unset
        import pgserver
        from pgserver.utils import ensure_user_exists

    binaries = Path(pgserver.__file__).parent / "pginstall" / "bin"
    if os.geteuid() != 0:
        return binaries, None
    ensure_user_exists("pgserver")
    _let_pgserver_use(binaries)
    return binaries, "pgserver"


def _let_pgserver_use(binaries: Path) -> None:
    """As pgserver does before it runs its binaries as its user: the folders above them traversable, the binaries
    and their libraries readable and executable (a virtualenv under /root is not, by default)."""
    from pgserver.utils import ensure_folder_permissions, ensure_prefix_permissions

    readable = stat.S_IRGRP | stat.S_IROTH
    ensure_prefix_permissions(binaries)
    ensure_folder_permissions(binaries, readable | stat.S_IXGRP | stat.S_IXOTH)
    ensure_folder_permissions(binaries.parent / "lib", readable)


@dataclass
class Node:
    """One server of the cluster."""

    name: str
    data: Path
    port: int
    cluster: Cluster

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        log = self.data.parent / f"{self.name}.log"
        self.cluster.run("pg_ctl", "-D", str(self.data), "-l", str(log), "-w", "start")

    def stop(self) -> None:
        """Stop at once, as a crash or a pulled cable would: no connection is closed politely."""
        self.cluster.run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def configure(self, *lines: str) -> None:
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write("\n".join(lines) + "\n")


class Cluster:
    """A primary and its replica in a folder of their own."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.binaries, self.user = _binaries()
        self.primary = Node("primary", folder / "primary", free_port(), self)
        self.replica = Node("replica", folder / "replica", free_port(), self)

    def run(self, program: str, *args: str) -> None:
        subprocess.run([str(self.binaries / program), *args], check=True, capture_output=True, user=self.user)

    def start_primary(self) -> None:
        self.run("initdb", "-D", str(self.primary.data), "-A", "trust", "-U", "postgres", "-E", "utf8", "--no-sync")
        self.primary.configure(
            f"port = {self.primary.port}",
            "listen_addresses = '127.0.0.1'",
            f"unix_socket_directories = '{self.folder}'",
            "wal_level = replica",
            *FAST,
        )
        self.primary.start()

    def start_replica(self) -> None:
        """A copy of the primary as it is now (pg_basebackup), streaming what the primary writes from then on."""
        source = ("-h", "127.0.0.1", "-p", str(self.primary.port), "-U", "postgres")
        copy = ("-D", str(self.replica.data), "-R", "-X", "stream", "-c", "fast", "--no-sync")
        self.run("pg_basebackup", *source, *copy)
        self.replica.configure(f"port = {self.replica.port}", "hot_standby = on")
        self.replica.start()

    def stop(self) -> None:
        for node in (self.replica, self.primary):
            if (node.data / "postmaster.pid").exists():
                subprocess.run(
                    [str(self.binaries / "pg_ctl"), "-D", str(node.data), "-m", "immediate", "-w", "stop"],
                    capture_output=True,
                    user=self.user,
                )


@contextmanager
def cluster() -> Iterator[Cluster]:
    """A running primary (without a replica yet: start_replica makes one), stopped and deleted afterwards, even
    when what ran in between failed."""
    folder = Path(tempfile.mkdtemp(prefix="tally-replicas-"))
    made = Cluster(folder)
    if made.user is not None:
        from pgserver.utils import ensure_prefix_permissions

        ensure_prefix_permissions(folder)  # a TMPDIR under /root, say
        shutil.chown(folder, made.user, made.user)
    try:
        made.start_primary()
        yield made
    finally:
        made.stop()
        shutil.rmtree(folder, ignore_errors=True)


def replayed_up_to_now(primary_url: str, replica_url: str, timeout_s: float = 10) -> None:
    """Wait until the replica has replayed everything the primary has written until now."""
    with psycopg.connect(primary_url, autocommit=True) as primary:
        target = primary.execute("SELECT pg_current_wal_lsn()").fetchone()[0]
    deadline = time.monotonic() + timeout_s
    with psycopg.connect(replica_url, autocommit=True) as replica:
        while replica.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", (target,)).fetchone()[0] is not True:
            if time.monotonic() > deadline:
                raise TimeoutError(f"the replica did not replay up to {target} in {timeout_s} s")
            time.sleep(0.01)


@contextmanager
def replay_paused(replica_url: str) -> Iterator[None]:
    """The replica receives WAL but replays none of it (it falls behind) for the block."""
    with psycopg.connect(replica_url, autocommit=True) as replica:
        replica.execute("SELECT pg_wal_replay_pause()")
        try:
            yield
        finally:
            replica.execute("SELECT pg_wal_replay_resume()")
