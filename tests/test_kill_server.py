"""Crash safety of online submission: kill the production server mid-load, lose no dossier that was acknowledged.

A real gunicorn (2 workers) serves the app against a database both processes see: on PostgreSQL the test
database itself, on SQLite a file copy of the in-memory test database (made after seeding). Client threads post
dossiers, each with its own Idempotency-Key, until the whole server (master and workers) is killed with SIGKILL
while requests are in flight. Afterwards:

- every receipt code a client received in a 2xx response is in the database, with its document;
- no idempotency key made two dossiers;
- after a restart, retrying every key (acknowledged or not) makes no duplicate and answers an acknowledged key
  with the receipt code it was first given.
"""

import http.client
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

from congso.accounts.services import api_token_create
from congso.accounts.tests.factories import CitizenFactory
from congso.dossiers.models import Dossier, DossierFile
from congso.dossiers.tests.factories import online_procedure, pdf_bytes

ROOT = Path(__file__).resolve().parent.parent
CLIENTS = 8
BOUNDARY = "----congso-kill-test"
ACKNOWLEDGED_BEFORE_KILL = 12
START_TIMEOUT = 30
LOAD_TIMEOUT = 20

pytestmark = pytest.mark.django_db(transaction=True)


@dataclass
class Outcome:
    key: str
    status: int | None = None  # None: no HTTP response (connection refused or cut)
    receipt: str = ""
    body: bytes = b""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _multipart(fields: dict[str, str], files: dict[str, bytes]) -> bytes:
    parts = [
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    for name, content in files.items():
        head = (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"; filename="don.pdf"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        )
        parts.append(head.encode() + content + b"\r\n")
    parts.append(f"--{BOUNDARY}--\r\n".encode())
    return b"".join(parts)


class SharedDatabase:
    """The database the server subprocess uses, and raw reads of it from this process."""

    def __init__(self, tmp_path: Path) -> None:
        settings = connection.settings_dict
        self.vendor = connection.vendor
        if self.vendor == "sqlite":
            # The test database is in memory: hand the server a file copy of it (schema and seeded rows).
            self.path = tmp_path / "server.sqlite3"
            connection.ensure_connection()
            target = sqlite3.connect(self.path)
            with target:
                connection.connection.backup(target)
            target.close()
            self.url = f"sqlite:///{self.path}"
        elif self.vendor == "postgresql":
            user = quote(settings["USER"] or "", safe="")
            password = quote(settings["PASSWORD"] or "", safe="")
            credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
            host = settings["HOST"] or "127.0.0.1"
            port = f":{settings['PORT']}" if settings["PORT"] else ""
            self.url = f"postgres://{credentials}{host}{port}/{quote(settings['NAME'], safe='')}"
        else:
            pytest.skip(f"no server-sharing recipe for {self.vendor}")

    def rows(self, sql: str) -> list[tuple]:
        if self.vendor == "sqlite":
            with sqlite3.connect(self.path) as reader:
                return reader.execute(sql).fetchall()
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchall()


class Server:
    """gunicorn in its own process group, so that one SIGKILL takes the master and every worker at once."""

    def __init__(self, database_url: str, media_root: Path) -> None:
        self.port = _free_port()
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": database_url,
            "MEDIA_ROOT": str(media_root),
            "TASKS_BACKEND": "immediate",
            "LOG_LEVEL": "ERROR",
        }
        self.env.pop("REDIS_URL", None)
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--workers",
            "2",
            "--worker-class",
            "gthread",
            "--threads",
            "4",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--log-level",
            "error",
            "--preload",  # import the app once in the master: faster start, same crash behaviour
        ]
        self.process = subprocess.Popen(command, cwd=ROOT, env=self.env, start_new_session=True)  # noqa: S603
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            assert self.process.poll() is None, "gunicorn exited while starting"
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        self.kill()
        pytest.fail("gunicorn did not answer /healthz")

    def kill(self) -> None:
        """SIGKILL to the whole process group: no graceful shutdown, no chance to finish a request."""
        if self.process is None:
            return
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        # Workers are in the same group; wait until the group is gone so the database is free.
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                os.killpg(self.process.pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.05)
        self.process = None


@pytest.fixture
def server_factory(tmp_path) -> Iterator:
    started: list[Server] = []

    def make(database_url: str) -> Server:
        server = Server(database_url, tmp_path / "media")
        started.append(server)
        return server

    yield make
    for server in started:
        server.kill()


def test_acknowledged_submissions_survive_a_killed_server(tmp_path, server_factory):
    citizen = CitizenFactory()
    procedure = online_procedure()
    _token, api_key = api_token_create(user=citizen, name="kill test")
    document = procedure.documents.get(is_mandatory=True)
    body = _multipart(
        {"procedure": procedure.code, "data": json.dumps({"full_name": "Nguyễn Văn An"}, ensure_ascii=False)},
        {f"doc_{document.pk}": pdf_bytes()},
    )
    database = SharedDatabase(tmp_path)
    server = server_factory(database.url)
    server.start()

    def submit(port: int, key: str) -> Outcome:
        outcome = Outcome(key=key)
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
            conn.request(
                "POST",
                "/api/v1/dossiers/",
                body=body,
                headers={
                    "Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
                    "Authorization": f"Bearer {api_key}",
                    "Idempotency-Key": key,
                },
            )
            response = conn.getresponse()
            outcome.status, outcome.body = response.status, response.read()
            if 200 <= response.status < 300:
                outcome.receipt = json.loads(outcome.body)["receipt_code"]
        except (OSError, http.client.HTTPException):
            pass
        return outcome

    outcomes: list[Outcome] = []
    lock = threading.Lock()
    stop = threading.Event()
    run = uuid.uuid4().hex[:8]

    def client(number: int) -> None:
        sent = 0
        while not stop.is_set():
            sent += 1
            outcome = submit(server.port, f"kill-{run}-{number}-{sent}")
            with lock:
                outcomes.append(outcome)
            if outcome.status is None:
                return  # the server is gone: this client stops, as a real one would until it retries

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + LOAD_TIMEOUT
    while time.monotonic() < deadline:
        with lock:
            acknowledged = sum(1 for o in outcomes if o.receipt)
        if acknowledged >= ACKNOWLEDGED_BEFORE_KILL:
            break
        time.sleep(0.02)
    server.kill()  # mid-load: the clients are still sending
    stop.set()
    for thread in threads:
        thread.join(timeout=30)

    failed_with_status = [o for o in outcomes if o.status is not None and not 200 <= o.status < 300]
    assert not failed_with_status, [(o.status, o.body[:300]) for o in failed_with_status[:3]]
    acknowledged = {o.key: o.receipt for o in outcomes if o.receipt}
    assert len(acknowledged) >= ACKNOWLEDGED_BEFORE_KILL
    assert any(o.status is None for o in outcomes), "the kill interrupted no client"

    table, files = Dossier._meta.db_table, DossierFile._meta.db_table
    stored = dict(
        database.rows(f"SELECT idempotency_key, receipt_code FROM {table} WHERE idempotency_key LIKE 'kill-{run}-%'")  # noqa: S608
    )
    missing = {key: receipt for key, receipt in acknowledged.items() if stored.get(key) != receipt}
    assert not missing, f"acknowledged but not in the database: {missing}"
    without_file = database.rows(
        f"SELECT d.receipt_code FROM {table} d WHERE d.idempotency_key LIKE 'kill-{run}-%' "  # noqa: S608
        f"AND NOT EXISTS (SELECT 1 FROM {files} f WHERE f.dossier_id = d.id)"
    )
    assert not without_file, f"dossiers stored without their document: {without_file}"
    duplicates = database.rows(
        f"SELECT idempotency_key, COUNT(*) FROM {table} WHERE idempotency_key LIKE 'kill-{run}-%' "  # noqa: S608
        "GROUP BY created_by_id, idempotency_key HAVING COUNT(*) > 1"
    )
    assert not duplicates

    # The clients retry after the restart: every key, acknowledged or cut off, exactly once more.
    restarted = server_factory(database.url)
    restarted.start()
    with ThreadPoolExecutor(CLIENTS) as pool:
        retried = list(pool.map(lambda o: submit(restarted.port, o.key), outcomes))
    restarted.kill()
    assert all(o.status in (200, 201) for o in retried), [(o.status, o.body[:300]) for o in retried if not o.receipt][
        :3
    ]
    for outcome in retried:
        if outcome.key in acknowledged:
            assert outcome.status == 200
            assert outcome.receipt == acknowledged[outcome.key]
    counts = database.rows(
        f"SELECT COUNT(*), COUNT(DISTINCT idempotency_key) FROM {table} WHERE idempotency_key LIKE 'kill-{run}-%'"  # noqa: S608
    )
    assert counts == [(len(outcomes), len(outcomes))]
