"""The Django side of the tabular-store benchmark, run by ``bench.opendata`` in its own process.

    python -m bench.opendata_worker load --csv FILE
    python -m bench.opendata_worker declare --resource ID --columns "Quận/huyện" "Ngày cấp"
    python -m bench.opendata_worker search --resource ID --queries FILE --clients 20 --duration 60

``load`` creates an agency, a published open dataset and a resource, then times ``datastore.load`` on the CSV
and prints one JSON line: end to end, the COPY, the moment the load's transaction committed (the table is
loaded and queryable: ``loading.build_indexes`` starts then, from ``transaction.on_commit``) and the index
builds with ``ANALYZE`` that follow. ``declare`` declares a combined index through the service and times it
until built. ``search`` is the fallback when the
CKAN endpoint is not there: ``--clients`` threads call ``datastore.search`` with the queries of FILE (one JSON
object of search keywords a line) in a closed loop for ``--duration`` seconds and print the latencies.
The process's peak memory is measured by the parent (``os.wait4``).
"""

import argparse
import json
import os
import sys
import threading
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django

django.setup()

from django.db import connection  # noqa: E402

from congso.agencies.models import Agency  # noqa: E402
from congso.opendata import datastore, services  # noqa: E402
from congso.opendata.datastore import loading  # noqa: E402
from congso.opendata.models import Dataset, Resource, Theme  # noqa: E402


def timed(phases: dict[str, float], name: str, function):
    def wrapper(*args, **kwargs):
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            phases[name] = phases.get(name, 0.0) + time.perf_counter() - started

    return wrapper


def load(csv_path: Path) -> dict:
    agency, _created = Agency.objects.get_or_create(
        code="000.00.00.H29", defaults={"name": "Ủy ban nhân dân Thành phố Hồ Chí Minh", "kind": Agency.Kind.CITY}
    )
    dataset = Dataset.objects.create(
        name=f"ho-kinh-doanh-{int(time.time())}",
        organization=agency,
        title="Hộ kinh doanh cá thể đã đăng ký",
        title_en="Registered household businesses",
        theme=Theme.ECON,
        state=Dataset.State.PUBLISHED,
        visibility=Dataset.Visibility.OPEN,
    )
    resource = Resource.objects.create(dataset=dataset, name="Danh sách hộ kinh doanh", format="CSV")
    phases: dict[str, float] = {}
    marks: dict[str, float] = {}
    loading._pg_copy_csv = timed(phases, "copy", loading._pg_copy_csv)
    build_indexes = loading.build_indexes

    def timed_build(*args, **kwargs):
        marks["committed"] = time.perf_counter()
        try:
            return build_indexes(*args, **kwargs)
        finally:
            marks["indexed"] = time.perf_counter()

    loading.build_indexes = timed_build
    started = time.perf_counter()
    rows = datastore.load(resource=resource, file=csv_path)
    ended = time.perf_counter()
    committed = marks.get("committed", ended)
    return {
        "resource": str(resource.pk),
        "dataset": dataset.name,
        "table": resource.table_name,
        "rows": rows,
        "bytes": csv_path.stat().st_size,
        "seconds": ended - started,
        "queryable_seconds": committed - started,
        "copy_seconds": phases.get("copy", 0.0),
        "index_seconds": marks.get("indexed", committed) - committed,
        "vendor": connection.vendor,
    }


def declare(resource_id: str, columns: list[str]) -> dict:
    """Declare the combined index ``columns`` on the table (the publisher's back-office form does the same) and
    time it until built; also returns what the back office suggested before (from the slow searches so far)."""
    resource = Resource.objects.select_related("dataset").get(pk=resource_id)
    suggested = [suggestion["columns"] for suggestion in datastore.suggested_indexes(resource)]
    started = time.perf_counter()
    services.resource_set_indexes(actor=None, resource=resource, indexes=[*resource.indexes, columns])
    return {"columns": columns, "seconds": time.perf_counter() - started, "suggested": suggested}


def search(resource_id: str, queries_path: Path, clients: int, duration: float) -> dict:
    resource = Resource.objects.get(pk=resource_id)
    queries = [json.loads(line) for line in queries_path.read_text().splitlines() if line.strip()]
    latencies: list[list[float]] = [[] for _ in range(clients)]
    errors = [0] * clients
    deadline = time.monotonic() + duration

    def client(index: int) -> None:
        n = index
        try:
            while time.monotonic() < deadline:
                query = queries[n % len(queries)]
                n += clients
                started = time.perf_counter()
                try:
                    datastore.search(resource, **query)
                except datastore.QueryError:
                    errors[index] += 1
                latencies[index].append(time.perf_counter() - started)
        finally:
            connection.close()

    threads = [threading.Thread(target=client, args=(index,)) for index in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    every = sorted(latency for per_client in latencies for latency in per_client)

    def percentile(share: float) -> float:
        return every[min(len(every) - 1, int(share * len(every)))] * 1e6 if every else 0.0

    return {
        "requests": len(every),
        "seconds": elapsed,
        "errors": sum(errors),
        "p50_us": percentile(0.50),
        "p95_us": percentile(0.95),
        "p99_us": percentile(0.99),
        "max_us": every[-1] * 1e6 if every else 0.0,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    load_parser = commands.add_parser("load")
    load_parser.add_argument("--csv", type=Path, required=True)
    declare_parser = commands.add_parser("declare")
    declare_parser.add_argument("--resource", required=True)
    declare_parser.add_argument("--columns", nargs="+", required=True)
    search_parser = commands.add_parser("search")
    search_parser.add_argument("--resource", required=True)
    search_parser.add_argument("--queries", type=Path, required=True)
    search_parser.add_argument("--clients", type=int, default=20)
    search_parser.add_argument("--duration", type=float, default=60)
    args = parser.parse_args(argv)
    if args.command == "load":
        result = load(args.csv)
    elif args.command == "declare":
        result = declare(args.resource, args.columns)
    else:
        result = search(args.resource, args.queries, args.clients, args.duration)
    print("BENCH_RESULT " + json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
