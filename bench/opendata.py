"""Tabular-store benchmark: load a 100 MB CSV into PostgreSQL, then datastore_search at 20 concurrent clients.

    python -m bench.opendata [--rows 1000000] [--clients 20] [--duration 60] [--record]

Steps: write (once, cached in ``--data-dir``) a deterministic CSV of ``--rows`` household businesses
(``bench.opendata_data``: ~105 bytes a row, so a million rows ≈ 100 MB); create the database
``congso_bench_od_<timestamp>`` on ``--pg-url`` and migrate it; ``CHECKPOINT`` before and after the load (and
after the index declaration), so no step pays for another's writes; run ``bench.opendata_worker load`` in its own
process: ``datastore.load`` of the CSV, timed to loaded and queryable (COPY and swap committed) and to the
end of the index builds that follow, with the process's peak RSS from ``os.wait4``; start gunicorn with
``bench.settings`` (as ``bench.run`` does) and drive ``GET /opendata/api/3/action/datastore_search`` with
wrk at ``--clients`` connections for each scenario:

- ``filter_sort``: ``filters={"Quận/huyện": <one of 22>}``, ``sort="Ngày cấp desc"``, ``limit=100``, offsets
  0/100/200, with the total (about 45,000 matching rows of 1,000,000);
- ``mixed``: other filters (trade, ward, workers, district + active) with sorts on text, int, numeric and
  date columns, offsets up to 500;
- then the combined index ``--declare`` (default the district, then the date: filter_sort's filter and sort)
  is declared through ``services.resource_set_indexes``, as a publisher does in the back office, timed until
  built, and ``filter_sort`` runs again.

If the CKAN endpoint is not in the tree, ``--clients`` threads call ``datastore.search`` in one process
instead (``bench.opendata_worker search``). Prints a Markdown report; ``--record`` writes it into the open-data
section of docs/benchmarks.md. The database is dropped at the end unless ``--keep``.
"""

import argparse
import contextlib
import datetime
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from bench import opendata_data
from bench.run import ROOT, Server, database_url, free_port, loadavg, log, machine, pg_admin, python, record, run_wrk

BEGIN = "<!-- bench:opendata:begin -->"
END = "<!-- bench:opendata:end -->"
SEARCH_PATH = "/opendata/api/3/action/datastore_search"
DECLARED_LABEL = "declared index"
GOALS = "search p95 < 150 ms at 20 clients; load ≥ 50 MB/s to loaded and queryable; loader peak RSS < 300 MB"


# --- queries ----------------------------------------------------------------------------------------------------


def queries(scenario: str) -> list[dict[str, Any]]:
    """The datastore_search keyword sets of a scenario (cycled through by the clients)."""
    if scenario == "filter_sort":
        return [
            {"filters": {"Quận/huyện": district}, "sort": "Ngày cấp desc", "limit": 100, "offset": offset}
            for offset in (0, 100, 200)
            for district in opendata_data.DISTRICTS
        ]
    mixed = []
    for n, trade in enumerate(opendata_data.TRADES):
        district = opendata_data.DISTRICTS[n % len(opendata_data.DISTRICTS)]
        offset = (n % 6) * 100
        mixed += [
            {"filters": {"Ngành nghề": trade}, "sort": "Vốn đăng ký desc", "limit": 100, "offset": offset},
            {
                "filters": {"Quận/huyện": district, "Đang hoạt động": True},
                "sort": "Chủ hộ",
                "limit": 100,
                "offset": offset,
            },
            {"filters": {"Phường/xã": f"Phường {n % 15 + 1}"}, "sort": "Diện tích (m²) desc", "limit": 50},
            {"filters": {"Số lao động": n % 30 + 1}, "sort": "Ngày cấp", "limit": 100, "offset": offset},
        ]
    return mixed


def search_path(resource_id: str, query: dict[str, Any]) -> str:
    params = {"resource_id": resource_id, **query}
    params["filters"] = json.dumps(query["filters"], ensure_ascii=False)
    return f"{SEARCH_PATH}?{urllib.parse.urlencode(params)}"


# --- steps ------------------------------------------------------------------------------------------------------


def run_worker(command: list[str], env: dict[str, str]) -> tuple[dict[str, Any], int]:
    """Run ``bench.opendata_worker`` and return its JSON result and its peak RSS in KiB."""
    process = subprocess.Popen(  # noqa: S603
        [python(), "-m", "bench.opendata_worker", *command], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True
    )
    output = process.stdout.read()
    _pid, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    line = next((x for x in output.splitlines() if x.startswith("BENCH_RESULT ")), None)
    if process.returncode != 0 or line is None:
        raise SystemExit(f"bench.opendata_worker {command[0]} failed ({process.returncode}):\n{output}")
    return json.loads(line.removeprefix("BENCH_RESULT ")), usage.ru_maxrss


def settle(pg_url: str) -> None:
    """Write out what earlier steps (or an earlier run) left in PostgreSQL's WAL, so that a measured step does
    not pay for another's checkpoint: the load and the index builds write about a gigabyte, the default
    ``max_wal_size``, and the checkpoint it triggers otherwise lands in the middle of the next step."""
    pg_admin(pg_url, "CHECKPOINT")


def endpoint_ready(url: str) -> bool:
    """Whether the CKAN datastore_search endpoint answers with a CKAN success envelope."""
    try:
        with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310
            return response.status == 200 and json.loads(response.read()).get("success") is True
    except (urllib.error.URLError, ValueError, OSError):
        return False


def search_http(server: Server, resource_id: str, scenario: str, args: argparse.Namespace, tmp: Path) -> dict:
    data = tmp / f"wrk-{scenario}"
    data.mkdir(exist_ok=True)
    # bench/wrk/scenario.lua's "track" mode GETs the paths of tracking_paths.txt and expects 200.
    (data / "tracking_paths.txt").write_text("".join(search_path(resource_id, q) + "\n" for q in queries(scenario)))
    common = {"url": server.url, "scenario": "track", "connections": args.clients, "threads": 2, "data": data}
    if args.warmup > 0:
        run_wrk(duration=args.warmup, run_id=f"{scenario}w", **common)
        server.drain()
    return run_wrk(duration=args.duration, run_id=scenario, **common)


def search_threads(resource_id: str, scenario: str, args: argparse.Namespace, env: dict, tmp: Path) -> dict:
    path = tmp / f"queries-{scenario}.jsonl"
    path.write_text("".join(json.dumps(q, ensure_ascii=False) + "\n" for q in queries(scenario)))
    command = ["search", "--resource", resource_id, "--queries", str(path), "--clients", str(args.clients)]
    if args.warmup > 0:
        run_worker([*command, "--duration", str(args.warmup)], env)
    result, _rss = run_worker([*command, "--duration", str(args.duration)], env)
    result["ok_rps"] = (result["requests"] - result["errors"]) / result["seconds"] if result["seconds"] else 0.0
    result["unexpected_status"] = result["errors"]
    result["socket_errors"] = 0
    return result


# --- report -----------------------------------------------------------------------------------------------------


def ms(us: float) -> str:
    return f"{us / 1000:.1f}"


def report(load: dict, rss_kib: int, searches: dict[str, dict], info: dict[str, Any], declaration: dict | None) -> str:
    megabytes = load["bytes"] / 1e6
    copy_rate = megabytes / load["copy_seconds"] if load["copy_seconds"] else 0.0
    rate = megabytes / load["queryable_seconds"]
    end_to_end_rate = megabytes / load["seconds"]
    lines = [
        f"Run of {info['date']} (commit `{info['commit']}`).",
        "",
        "| machine | |",
        "| --- | --- |",
        f"| CPUs (`nproc`) | {info['cpus']} |",
        f"| RAM | {info['ram']} |",
        f"| OS | {info['os']} |",
        f"| PostgreSQL | {info['postgresql']} (local, default configuration) |",
        f"| Python / Django, gunicorn | {info['python']} / {info['django_gunicorn']} |",
        f"| search through | {info['transport']} |",
        f"| load average before / after | {info['loadavg_before']} / {info['loadavg_after']} |",
        "",
        "| load | rows | MB | loaded and queryable s | MB/s | of which COPY s | ANALYZE + indexes after s "
        "| end to end s | end-to-end MB/s | loader peak RSS |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        f"| `datastore.load` of the CSV | {load['rows']:,} | {megabytes:.1f} | {load['queryable_seconds']:.2f} "
        f"| {rate:.1f} | {load['copy_seconds']:.2f} | {load['index_seconds']:.1f} | {load['seconds']:.1f} "
        f"| {end_to_end_rate:.1f} | {rss_kib / 1024:.0f} MB |",
        "",
    ]
    if declaration is not None:
        columns = " → ".join(declaration["columns"])
        lines += [
            f"After the first scenarios, the combined index `{columns}` was declared "
            f"(`services.resource_set_indexes`) and built in {declaration['seconds']:.1f} s; the last scenario "
            "ran with it.",
            "",
            "Combined indexes the back office suggested at that point, from the slow searches of the first "
            "scenarios (most frequent first): "
            + (", ".join(f"`{' → '.join(columns)}`" for columns in declaration["suggested"]) or "none")
            + ".",
            "",
        ]
    lines += [
        "| search scenario | requests | req/s | p50 ms | p95 ms | p99 ms | max ms | errors |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, result in searches.items():
        errors = result["unexpected_status"] + result["socket_errors"]
        lines.append(
            f"| {name} | {result['requests']} | {result['ok_rps']:.1f} | {ms(result['p50_us'])} "
            f"| {ms(result['p95_us'])} | {ms(result['p99_us'])} | {ms(result['max_us'])} | {errors} |"
        )
    lines += ["", f"Goals ({GOALS}):", ""]
    for name, result in searches.items():
        p95 = result["p95_us"] / 1000
        lines.append(f"- search {name}: p95 {p95:.0f} ms — {'met' if p95 < 150 else 'NOT met'}")
    lines.append(
        f"- load: {rate:.1f} MB/s to loaded and queryable ({load['queryable_seconds']:.2f} s; the COPY alone "
        f"{copy_rate:.1f} MB/s) — {'met' if rate >= 50 else 'NOT met'}; end to end, with the index builds after "
        f"the commit, {load['seconds']:.1f} s = {end_to_end_rate:.1f} MB/s — "
        f"{'also ≥ 50 MB/s' if end_to_end_rate >= 50 else 'below 50 MB/s'}"
    )
    lines.append(f"- loader peak RSS {rss_kib / 1024:.0f} MB — {'met' if rss_kib < 300 * 1024 else 'NOT met'}")
    return "\n".join(lines) + "\n"


# --- main -------------------------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows of the CSV (default 1,000,000 ≈ 100 MB)")
    parser.add_argument("--clients", type=int, default=20, help="concurrent search clients (default 20)")
    parser.add_argument("--duration", type=float, default=60, help="seconds per search scenario (default 60)")
    parser.add_argument("--warmup", type=float, default=5, help="seconds of unrecorded load before each scenario")
    parser.add_argument("--scenarios", default="filter_sort,mixed", help="comma-separated: filter_sort,mixed")
    parser.add_argument("--transport", default="auto", choices=["auto", "http", "threads"])
    parser.add_argument(
        "--declare",
        default="Quận/huyện,Ngày cấp",
        help="after the scenarios, declare this combined index (field ids, comma-separated) and run filter_sort "
        "again; empty to skip (default: the district, then the date)",
    )
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (default 4)")
    parser.add_argument("--worker-threads", type=int, default=4, help="threads per gthread worker (default 4)")
    parser.add_argument("--data-dir", type=Path, default=Path(tempfile.gettempdir()) / "congso-bench-opendata")
    parser.add_argument(
        "--pg-url", default=os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    )
    parser.add_argument("--record", action="store_true", help="write the results into docs/benchmarks.md")
    parser.add_argument("--keep", action="store_true", help="keep the database")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    scenarios = [name.strip() for name in args.scenarios.split(",") if name.strip()]
    if set(scenarios) - {"filter_sort", "mixed"}:
        raise SystemExit(f"unknown scenarios in {args.scenarios!r}")
    if args.transport != "threads" and shutil.which("wrk") is None:
        if args.transport == "http":
            raise SystemExit("wrk not found: apt-get install wrk")
        args.transport = "threads"
    loadavg_before = loadavg()
    csv_path = args.data_dir / f"ho-kinh-doanh-{args.rows}.csv"
    started = time.monotonic()
    size = opendata_data.write(csv_path, args.rows)
    log(f"{csv_path}: {args.rows:,} rows, {size / 1e6:.1f} MB ({time.monotonic() - started:.0f} s)")

    tmp = Path(tempfile.mkdtemp(prefix="congso-bench-od-"))
    name = f"congso_bench_od_{datetime.datetime.now():%Y%m%d_%H%M%S}"
    pg_admin(args.pg_url, f'CREATE DATABASE "{name}"')
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": database_url(args.pg_url, name),
        "CONGSO_VAR_DIR": str(tmp),
        "MEDIA_ROOT": str(tmp / "media"),
        "PYTHONPATH": str(ROOT),
        "TASKS_BACKEND": "database",
        "CONGSO_OPENDATA_MAX_UPLOAD_MB": str(max(128, size // (1024 * 1024) + 1)),
    }
    env.pop("REDIS_URL", None)
    server = None
    searches: dict[str, dict] = {}
    declared = [name.strip() for name in args.declare.split(",") if name.strip()]
    declaration: dict[str, Any] | None = None
    try:
        subprocess.run([python(), "manage.py", "migrate", "--no-input", "-v0"], cwd=ROOT, env=env, check=True)  # noqa: S603
        log(f"database {name} migrated; loading")
        settle(args.pg_url)
        load, rss = run_worker(["load", "--csv", str(csv_path)], env)
        settle(args.pg_url)
        log(
            f"loaded {load['rows']:,} rows, queryable after {load['queryable_seconds']:.2f} s "
            f"({load['bytes'] / 1e6 / load['queryable_seconds']:.1f} MB/s; COPY {load['copy_seconds']:.2f} s), "
            f"indexed after {load['seconds']:.1f} s (ANALYZE + indexes {load['index_seconds']:.1f} s), "
            f"peak RSS {rss / 1024:.0f} MB"
        )
        transport = args.transport
        if transport != "threads":
            server = Server(
                env=env, port=free_port(), workers=args.workers, worker_class="gthread",
                threads=args.worker_threads, tmp=tmp,
            )  # fmt: skip
            server.wait_ready()
            probe = server.url + search_path(load["resource"], queries(scenarios[0])[0])
            if endpoint_ready(probe):
                transport = "http"
            elif transport == "http":
                raise SystemExit(f"no CKAN datastore_search at {probe}")
            else:
                log("no CKAN datastore_search endpoint: searching from threads in one process")
                server.stop()
                server = None
                transport = "threads"
        runs = [(scenario, scenario) for scenario in scenarios]
        if declared and "filter_sort" in scenarios:
            runs.append(("declare", ""))
            runs.append((f"filter_sort, {DECLARED_LABEL}", "filter_sort"))
        for label, scenario in runs:
            if label == "declare":
                declaration, _rss = run_worker(["declare", "--resource", load["resource"], "--columns", *declared], env)
                settle(args.pg_url)
                log(f"declared the combined index {declared}: built in {declaration['seconds']:.1f} s")
                continue
            if transport == "http":
                server.drain()
                result = search_http(server, load["resource"], scenario, args, tmp)
            else:
                result = search_threads(load["resource"], scenario, args, env, tmp)
            searches[label] = result
            log(
                f"{label}: {result['ok_rps']:.1f} req/s, p50 {ms(result['p50_us'])} ms, "
                f"p95 {ms(result['p95_us'])} ms, p99 {ms(result['p99_us'])} ms"
            )
        described = (
            f"HTTP: wrk, {args.clients} connections, {args.duration:g} s per scenario after a {args.warmup:g} s "
            f"warm-up → {server.description}, `bench.settings`"
            if transport == "http"
            else f"{args.clients} threads calling `datastore.search` in one process, {args.duration:g} s per scenario"
        )
        info = machine(
            args.pg_url,
            server.description if server else "none",
            SimpleNamespace(threads=2, connections=args.clients, duration=args.duration, warmup=args.warmup),
        )
        info.update(transport=described, loadavg_before=loadavg_before, loadavg_after=loadavg())
    finally:
        if server is not None:
            server.stop()
        if args.keep:
            log(f"kept database {name} and {tmp}")
        else:
            with contextlib.suppress(Exception):
                pg_admin(args.pg_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            shutil.rmtree(tmp, ignore_errors=True)
    text = report(load, rss, searches, info, declaration)
    print()
    print(text)
    if args.record:
        record(text, begin=BEGIN, end=END, heading="Open data: results")
    return 0


if __name__ == "__main__":
    sys.exit(main())
