"""Load benchmark: the app under gunicorn on a throw-away PostgreSQL database, driven by wrk.

    python -m bench.run [--duration 60] [--connections 50] [--record] [--profile]

Steps: create the database ``congso_bench_<timestamp>`` on ``--pg-url`` (default: postgres@127.0.0.1:5432, trust
auth), migrate, seed (``bench.seed``), start gunicorn with ``bench.settings``, then for each scenario run wrk for a
short warm-up and for ``--duration`` seconds at ``--connections`` connections, all against the same server:

- ``floor``: ``GET /bench/floor``, a trivial view through the whole middleware stack;
- ``ceiling``: ``POST /bench/ceiling`` with the submission requests: bearer token and multipart body parsed, nothing
  written, answered 201 (see bench/urls.py): the best any submission could do on this stack;
- ``submit``: ``POST /api/v1/dossiers/``, multipart with one small PDF, bearer token, a new Idempotency-Key each;
- ``track``: ``GET /api/v1/dossiers/tracking/<receipt>?phone_last4=NNNN`` on seeded dossiers, no login.

Prints a Markdown table (throughput, p50/p95/p99 latency, errors, ratio to the floor) and, with ``--record``,
writes it with the machine description into docs/benchmarks.md. The database and temporary files are removed at
the end unless ``--keep``. ``--profile`` then samples the gunicorn workers with py-spy (if installed) during one
more submission run and prints the hottest frames; that run is not part of the figures.
"""

import argparse
import contextlib
import datetime
import importlib.util
import json
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = Path(__file__).resolve().parent / "wrk" / "scenario.lua"
DOC = ROOT / "docs" / "benchmarks.md"
BEGIN = "<!-- bench:results:begin -->"
END = "<!-- bench:results:end -->"

# scenario -> (wrk mode, expected status, needs the dossiers API)
SCENARIOS = {
    "floor": ("floor", 200, False),
    "submit": ("submit", 201, True),
    "submit_one": ("submit_one", 201, True),
    "ceiling": ("ceiling", 201, True),
    "track": ("track", 200, True),
}
LABELS = {
    "floor": "floor: `GET /bench/floor`",
    "submit": "submission: `POST /api/v1/dossiers/` (1 PDF), spread over {agencies} wards' agencies",
    "submit_one": "submission, all to one ward's agency (busiest counter)",
    "ceiling": "ceiling: `POST /bench/ceiling`, token and multipart parsed, nothing written",
    "track": "tracking: `GET /api/v1/dossiers/tracking/…`",
}
GOALS = "submission ≥ 30 % of the floor with p99 < 300 ms; tracking ≥ 60 % of the floor"


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def python() -> str:
    venv = ROOT / ".venv" / "bin" / "python"
    return str(venv) if venv.exists() else sys.executable


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- PostgreSQL -------------------------------------------------------------------------------------------------


def pg_admin(pg_url: str, sql: str) -> list[tuple]:
    import psycopg

    with psycopg.connect(pg_url, autocommit=True) as conn:
        cursor = conn.execute(sql)
        return cursor.fetchall() if cursor.description else []


def database_url(pg_url: str, name: str) -> str:
    base, _, _ = pg_url.rpartition("/")
    return f"{base}/{name}"


# --- gunicorn ---------------------------------------------------------------------------------------------------


class Server:
    """gunicorn serving config.wsgi with bench.settings; stopped by its pid (never by name)."""

    def __init__(self, *, env: dict[str, str], port: int, workers: int, worker_class: str, threads: int, tmp: Path):
        self.port = port
        self.log_path = tmp / "gunicorn.log"
        command = [
            python(),
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--worker-class",
            worker_class,
            "--backlog",
            "2048",
            "--keep-alive",
            "5",
            "--timeout",
            "60",
            "--log-level",
            "warning",
            "--error-logfile",
            str(self.log_path),
        ]
        if worker_class == "gthread":
            command += ["--threads", str(threads)]
        self.description = f"gunicorn {worker_class}, {workers} workers" + (
            f" × {threads} threads" if worker_class == "gthread" else ""
        )
        self.process = subprocess.Popen(command, cwd=ROOT, env=env)  # noqa: S603

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited ({self.process.returncode}); see {self.log_path}")
            with (
                contextlib.suppress(OSError),
                urllib.request.urlopen(f"{self.url}/healthz", timeout=2) as response,  # noqa: S310
            ):
                if response.status == 200:
                    return
            time.sleep(0.3)
        raise SystemExit("gunicorn did not answer /healthz in time")

    def drain(self, timeout: float = 60) -> float:
        """Wait until the requests wrk left queued are served: three quick answers in a row. Returns seconds."""
        started = time.monotonic()
        quick = 0
        while quick < 3 and time.monotonic() - started < timeout:
            probe = time.monotonic()
            with (
                contextlib.suppress(OSError),
                urllib.request.urlopen(f"{self.url}/bench/floor", timeout=10) as response,  # noqa: S310
            ):
                response.read()
            quick = quick + 1 if time.monotonic() - probe < 0.1 else 0
            time.sleep(0.1)
        return time.monotonic() - started

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


# --- wrk --------------------------------------------------------------------------------------------------------


def run_wrk(
    *, url: str, scenario: str, duration: float, connections: int, threads: int, data: Path, run_id: str
) -> dict[str, Any]:
    mode, expected, _needs_api = SCENARIOS[scenario]
    env = {
        **os.environ,
        "BENCH_MODE": mode,
        "BENCH_DATA": str(data),
        "BENCH_RUN": run_id,
        "BENCH_EXPECT": str(expected),
    }
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{max(1, round(duration))}s",
        "--timeout",
        "10s",
        "-s",
        str(SCRIPT),
        url,
    ]
    completed = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    line = next((x for x in completed.stdout.splitlines() if x.startswith("BENCH_RESULT ")), None)
    if completed.returncode != 0 or line is None:
        raise SystemExit(f"wrk failed ({completed.returncode}):\n{completed.stdout}\n{completed.stderr}")
    result = json.loads(line.removeprefix("BENCH_RESULT "))
    seconds = result["duration_us"] / 1e6
    result["seconds"] = seconds
    result["rps"] = result["requests"] / seconds if seconds else 0.0
    result["ok_rps"] = result["ok"] / seconds if seconds else 0.0
    result["socket_errors"] = sum(result[k] for k in ("connect_errors", "read_errors", "write_errors", "timeouts"))
    return result


# --- machine and report -----------------------------------------------------------------------------------------


def machine(pg_url: str, server: str, args: argparse.Namespace) -> dict[str, str]:
    cpuinfo = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    model = re.search(r"^model name\s*:\s*(.+)$", cpuinfo, re.MULTILINE)
    meminfo = Path("/proc/meminfo").read_text() if Path("/proc/meminfo").exists() else ""
    mem = re.search(r"^MemTotal:\s*(\d+) kB", meminfo, re.MULTILINE)
    wrk = shutil.which("wrk")
    wrk_version = subprocess.run([wrk, "-v"], capture_output=True, text=True, check=False) if wrk else None  # noqa: S603
    django = subprocess.run(  # noqa: S603
        [python(), "-c", "import django, gunicorn; print(django.get_version(), gunicorn.__version__)"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.split()
    commit = subprocess.run(
        ["git", "describe", "--always", "--dirty"],  # noqa: S607
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return {
        "date": datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "cpus": f"{os.cpu_count()} ({model.group(1).strip() if model else platform.processor() or 'unknown'})",
        "ram": f"{int(mem.group(1)) / 1024 / 1024:.1f} GiB" if mem else "unknown",
        "os": f"{platform.system()} {platform.release()}",
        "postgresql": pg_admin(pg_url, "SHOW server_version")[0][0],
        "python": platform.python_version(),
        "django_gunicorn": " / ".join(django) if django else "unknown",
        "wrk": " ".join((wrk_version.stdout or wrk_version.stderr or "wrk").split()[:2]) if wrk_version else "none",
        "server": server,
        "load": f"wrk, {args.threads} threads, {args.connections} connections, {args.duration:g} s per scenario "
        f"after a {args.warmup:g} s warm-up, on the same machine",
        "commit": commit or "unknown",
    }


def loadavg() -> str:
    path = Path("/proc/loadavg")
    return " ".join(path.read_text().split()[:3]) if path.exists() else "?"


def ms(us: float) -> str:
    return f"{us / 1000:.1f}"


def report(results: dict[str, dict[str, Any]], info: dict[str, Any], notes: list[str]) -> str:
    floor = results.get("floor")
    lines = [
        f"Run of {info['date']} (commit `{info['commit']}`).",
        "",
        "| machine | |",
        "| --- | --- |",
        f"| CPUs (`nproc`) | {info['cpus']} |",
        f"| RAM | {info['ram']} |",
        f"| OS | {info['os']} |",
        f"| PostgreSQL | {info['postgresql']} (local, default configuration) |",
        f"| Python | {info['python']} |",
        f"| Django / gunicorn | {info['django_gunicorn']} |",
        f"| server | {info['server']}, `bench.settings` (production settings, DEBUG off) |",
        f"| load | {info['load']} ({info['wrk']}) |",
        f"| cache | {info['cache']} |",
        f"| load average before / after the run | {info['loadavg_before']} / {info['loadavg_after']} (1, 5, 15 min; "
        "other work on the machine skews the figures) |",
        "",
        "| scenario | requests | req/s | p50 ms | p95 ms | p99 ms | max ms | unexpected status | socket errors "
        "| vs floor |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, result in results.items():
        label = LABELS[name].format(agencies=info.get("agencies", "?"))
        ratio = f"{result['ok_rps'] / floor['ok_rps']:.1%}" if floor and floor["ok_rps"] else "—"
        lines.append(
            f"| {label} | {result['requests']} | {result['ok_rps']:.1f} | {ms(result['p50_us'])} "
            f"| {ms(result['p95_us'])} | {ms(result['p99_us'])} | {ms(result['max_us'])} "
            f"| {result['unexpected_status']} | {result['socket_errors']} | {ratio} |"
        )
    lines += ["", "req/s counts only responses with the expected status (201 for submissions, 200 otherwise)."]
    verdicts = goal_verdicts(results)
    if verdicts:
        lines += ["", f"Goals ({GOALS}):", ""]
        lines += [f"- {verdict}" for verdict in verdicts]
    if notes:
        lines += ["", *[f"- {note}" for note in notes]]
    return "\n".join(lines) + "\n"


def goal_verdicts(results: dict[str, dict[str, Any]]) -> list[str]:
    floor = results.get("floor")
    if not floor or not floor["ok_rps"]:
        return []
    verdicts = []
    for name, label in (("submit", "submission"), ("submit_one", "submission to one agency")):
        submit = results.get(name)
        if submit:
            share = submit["ok_rps"] / floor["ok_rps"]
            p99 = submit["p99_us"] / 1000
            met = share >= 0.30 and p99 < 300
            verdicts.append(
                f"{label}: {share:.1%} of the floor, p99 {p99:.0f} ms — {'met' if met else 'NOT met'} "
                "(≥ 30 %, < 300 ms)"
            )
    track = results.get("track")
    if track:
        share = track["ok_rps"] / floor["ok_rps"]
        verdicts.append(f"tracking: {share:.1%} of the floor — {'met' if share >= 0.60 else 'NOT met'} (≥ 60 %)")
    return verdicts


def record(text: str, *, begin: str = BEGIN, end: str = END, heading: str = "Results") -> None:
    """Write ``text`` between the ``begin`` and ``end`` markers of docs/benchmarks.md, replacing what was there;
    without the markers, append them under a new ``heading``."""
    block = f"{begin}\n{text}{end}"
    current = DOC.read_text() if DOC.exists() else ""
    if begin in current and end in current:
        head, _, rest = current.partition(begin)
        _, _, tail = rest.partition(end)
        DOC.write_text(head + block + tail)
    else:
        DOC.write_text(current.rstrip() + f"\n\n## {heading}\n\n" + block + "\n")
    log(f"recorded in {DOC.relative_to(ROOT)}")


# --- profiling --------------------------------------------------------------------------------------------------


def profile(server: Server, args: argparse.Namespace, data: Path, tmp: Path, scenario: str) -> None:
    py_spy = shutil.which("py-spy") or str(Path(python()).parent / "py-spy")
    if not Path(py_spy).exists():
        log("--profile: py-spy not found (pip install py-spy into the venv; not a project dependency)")
        return
    out = tmp / f"profile-{scenario}.txt"
    seconds = max(5, round(min(args.duration, 30)))
    sampler = subprocess.Popen(  # noqa: S603
        [
            py_spy,
            "record",
            "--pid",
            str(server.process.pid),
            "--subprocesses",
            "--rate",
            "200",
            "--duration",
            str(seconds),
            "--format",
            "raw",
            "--output",
            str(out),
            "--nonblocking",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(1)
    result = run_wrk(
        url=server.url,
        scenario=scenario,
        duration=seconds,
        connections=args.connections,
        threads=args.threads,
        data=data,
        run_id=f"profile{int(time.time())}",
    )
    sampler.wait(timeout=120)
    log(f"profiled {scenario}: {result['ok_rps']:.1f} req/s under py-spy (not a figure)")
    if out.exists():
        summarise_profile(out, args.profile_out)


def summarise_profile(path: Path, keep_as: Path | None) -> None:
    """Inclusive share of the hottest project/Django frames and the top self frames, from py-spy raw output."""
    inclusive: Counter[str] = Counter()
    own: Counter[str] = Counter()
    total = 0
    for line in path.read_text().splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not count_text.isdigit():
            continue
        count = int(count_text)
        frames = [frame for frame in stack.split(";") if frame and not frame.startswith(("process ", "thread "))]
        if not frames:
            continue
        total += count
        for frame in set(frames):
            inclusive[frame] += count
        own[frames[-1]] += count
    if not total:
        return
    idle = sum(count for frame, count in own.items() if re.search(r"\b(select|poll|accept|wait|sleep)\b", frame))
    print(f"\nprofile: {total} samples, {idle / total:.0%} idle in select/poll/accept/wait")
    print("\nhottest frames in congso/ and bench (inclusive):")
    for frame, count in [(f, c) for f, c in inclusive.most_common() if "congso/" in f][:25]:
        print(f"  {count / total:6.1%}  {frame}")
    print("\nhottest frames overall (inclusive, excluding the server loop):")
    shown = 0
    for frame, count in inclusive.most_common():
        if "gunicorn" in frame or "<module>" in frame or count / total > 0.97:
            continue
        print(f"  {count / total:6.1%}  {frame}")
        shown += 1
        if shown == 30:
            break
    print("\ntop self time:")
    for frame, count in own.most_common(25):
        print(f"  {count / total:6.1%}  {frame}")
    if keep_as:
        shutil.copy(path, keep_as)
        log(f"raw profile kept in {keep_as} (collapsed stacks; flamegraph.pl or speedscope read it)")


# --- main -------------------------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=60, help="seconds per scenario (default 60)")
    parser.add_argument("--connections", type=int, default=50, help="concurrent connections (default 50)")
    parser.add_argument("--warmup", type=float, default=5, help="seconds of unrecorded load before each scenario")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    parser.add_argument(
        "--scenarios",
        default="floor,ceiling,submit,submit_one,track",
        help="comma-separated: floor,ceiling,submit,submit_one,track",
    )
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (default 4)")
    parser.add_argument("--worker-class", default="gthread", choices=["sync", "gthread"])
    parser.add_argument("--worker-threads", type=int, default=4, help="threads per gthread worker (default 4)")
    parser.add_argument("--citizens", type=int, default=20, help="citizen accounts with API keys to submit with")
    parser.add_argument("--tracked", type=int, default=200, help="seeded dossiers for the tracking scenario")
    parser.add_argument(
        "--pg-url", default=os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    )
    parser.add_argument("--redis-url", default="", help="cache in Redis (default: per-process local memory)")
    parser.add_argument("--record", action="store_true", help="write the results into docs/benchmarks.md")
    parser.add_argument("--keep", action="store_true", help="keep the database and temporary folder")
    parser.add_argument("--profile", action="store_true", help="afterwards, sample a submission run with py-spy")
    parser.add_argument("--profile-scenario", default="submit", choices=list(SCENARIOS))
    parser.add_argument("--profile-out", type=Path, help="keep py-spy's raw stacks in this file")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if shutil.which("wrk") is None:
        raise SystemExit("wrk not found: `make bench` installs Debian's wrk, or apt-get install wrk")
    scenarios = [name.strip() for name in args.scenarios.split(",") if name.strip()]
    unknown = set(scenarios) - set(SCENARIOS)
    if unknown:
        raise SystemExit(f"unknown scenarios: {', '.join(sorted(unknown))}")
    notes = []
    has_api = importlib.util.find_spec("congso.dossiers.api", None) is not None if (ROOT / "congso").exists() else False
    if not has_api:
        skipped = [name for name in scenarios if SCENARIOS[name][2]]
        scenarios = [name for name in scenarios if not SCENARIOS[name][2]]
        if skipped:
            notes.append(f"not measured (no dossiers API in this tree): {', '.join(skipped)}")
            log(notes[-1])

    loadavg_before = loadavg()
    tmp = Path(tempfile.mkdtemp(prefix="congso-bench-"))
    name = f"congso_bench_{datetime.datetime.now():%Y%m%d_%H%M%S}"
    pg_admin(args.pg_url, f'CREATE DATABASE "{name}"')
    log(f"database {name}, files in {tmp}")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": database_url(args.pg_url, name),
        "CONGSO_VAR_DIR": str(tmp),
        "MEDIA_ROOT": str(tmp / "media"),
        "PYTHONPATH": str(ROOT),
        # As in production: notifications are queued for `manage.py db_worker` (not run here), not sent inline.
        "TASKS_BACKEND": "database",
    }
    env.pop("REDIS_URL", None)
    if args.redis_url:
        env["REDIS_URL"] = args.redis_url
    server = None
    results: dict[str, dict[str, Any]] = {}
    try:
        started = time.monotonic()
        subprocess.run([python(), "manage.py", "migrate", "--no-input", "-v0"], cwd=ROOT, env=env, check=True)  # noqa: S603
        seed = [python(), "-m", "bench.seed", "--out", str(tmp / "data"), "--citizens", str(args.citizens)]
        seed += ["--tracked", str(args.tracked)] if has_api else ["--no-dossiers"]
        subprocess.run(seed, cwd=ROOT, env=env, check=True)  # noqa: S603
        log(f"migrated and seeded in {time.monotonic() - started:.0f} s")
        # Settle before measuring: the seeding left the disk and PostgreSQL busy.
        pg_admin(database_url(args.pg_url, name), "VACUUM ANALYZE")

        server = Server(
            env=env,
            port=free_port(),
            workers=args.workers,
            worker_class=args.worker_class,
            threads=args.worker_threads,
            tmp=tmp,
        )
        server.wait_ready()
        log(f"{server.description} on {server.url}")
        for scenario in scenarios:
            run_id = f"{int(time.time())}{scenario}"
            server.drain()
            if args.warmup > 0:
                run_wrk(
                    url=server.url,
                    scenario=scenario,
                    duration=args.warmup,
                    connections=args.connections,
                    threads=args.threads,
                    data=tmp / "data",
                    run_id=run_id + "w",
                )
                server.drain()
            result = run_wrk(
                url=server.url,
                scenario=scenario,
                duration=args.duration,
                connections=args.connections,
                threads=args.threads,
                data=tmp / "data",
                run_id=run_id,
            )
            results[scenario] = result
            log(
                f"{scenario}: {result['ok_rps']:.1f} req/s, p50 {ms(result['p50_us'])} ms, p99 {ms(result['p99_us'])} "
                f"ms, {result['unexpected_status']} unexpected, {result['socket_errors']} socket errors"
            )
            if result["sample"]:
                log(f"{scenario}: first unexpected response: {result['sample']}")
        info: dict[str, Any] = machine(args.pg_url, server.description, args)
        info["loadavg_after"] = loadavg()
        info["loadavg_before"] = loadavg_before
        seeded = tmp / "data" / "seed.json"
        if seeded.exists():
            info["agencies"] = json.loads(seeded.read_text()).get("agencies", "?")
        info["cache"] = "Redis" if args.redis_url else "local memory (per process)"
        if args.profile:
            profile(server, args, tmp / "data", tmp, args.profile_scenario)
    finally:
        if server is not None:
            server.stop()
        if args.keep:
            log(f"kept database {name} and {tmp}")
        else:
            pg_admin(args.pg_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            shutil.rmtree(tmp, ignore_errors=True)

    text = report(results, info, notes)
    print()
    print(text)
    if args.record:
        record(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
