"""`make bench`: seed benchmark databases, serve the app under gunicorn, load it with wrk, report.

One run measures, at 1× and 10× the data, requests per second and p50/p99 latency of the API and
pages against a ceiling (the same 100 rows straight from psycopg), then the CSV export's peak
memory over a million implementations. Results: printed, and written to bench/results/*.json.

It never touches the development or test databases: it creates its own (`rcm_bench_*`) on the
PostgreSQL server of BENCH_DATABASE_SERVER and reuses them while their recorded size matches.
Sizes and durations come from the environment (see README, "Performance").
"""

from __future__ import annotations

import datetime
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PYTHON = sys.executable


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


SERVER = os.environ.get("BENCH_DATABASE_SERVER", "postgres://postgres@127.0.0.1:5432")
PREFIX = os.environ.get("BENCH_DATABASE_PREFIX", "rcm_bench")
PORT = env_int("BENCH_PORT", 8150)
DURATION = env_int("BENCH_DURATION", 5)
# Every endpoint is measured this many times, the rounds interleaved; medians are reported. On a
# shared 2-core machine one 10-second reading of the same endpoint varied by 20 %.
ROUNDS = env_int("BENCH_ROUNDS", 3)
WARMUP = env_int("BENCH_WARMUP", 2)
CONNECTIONS = env_int("BENCH_CONNECTIONS", 4)
WORKERS = env_int("BENCH_WORKERS", 2)
SCALE = env_int("BENCH_SCALE", 10)
BASE_SIZE = {
    "countries": env_int("BENCH_COUNTRIES", 50),
    "declarations": env_int("BENCH_DECLARATIONS", 20),
    "commitments_per_declaration": env_int("BENCH_COMMITMENTS", 20),
    "updates_per_implementation": env_int("BENCH_UPDATES", 3),
}
CSV_SIZE = {
    "countries": env_int("BENCH_CSV_COUNTRIES", 200),
    "declarations": env_int("BENCH_CSV_DECLARATIONS", 50),
    "commitments_per_declaration": env_int("BENCH_CSV_COMMITMENTS", 100),
    # The export reads the current-state columns only: history does not change its cost, so none is seeded.
    "updates_per_implementation": env_int("BENCH_CSV_UPDATES", 0),
}


def log(message: str) -> None:
    print(f"[bench {datetime.datetime.now():%H:%M:%S}] {message}", flush=True)


def ensure_wrk() -> str:
    """wrk from Debian's archive (apt-get, as root or through sudo) when it is not on PATH."""
    found = shutil.which("wrk")
    if found:
        return found
    log("installing wrk (apt-get install wrk)")
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run([*sudo, "apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run([*sudo, "apt-get", "install", "-y", "-qq", "wrk"], check=True, env=env)
    found = shutil.which("wrk")
    if not found:
        raise SystemExit("wrk could not be installed; install it (apt-get install wrk) and run make bench again")
    return found


def psql(sql: str, database: str = "postgres") -> str:
    out = subprocess.run(["psql", f"{SERVER}/{database}", "-XAtqc", sql], check=True, capture_output=True, text=True)
    return out.stdout.strip()


def app_env(database: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": f"{SERVER}/{database}",
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-secret-key-never-used-elsewhere-0123456789",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "SECURE_HSTS_SECONDS": "0",
        "STATIC_ROOT": str(RESULTS / "static"),
        # Throttling stays on, with a one-second window: as short a history per request as production.
        "API_THROTTLE_USER": "1000000/second",
        "LOG_LEVEL": "WARNING",
        "CONN_MAX_AGE": "600",
        "DJANGO_SETTINGS_MODULE": "bench.settings",
    }


def manage(database: str, *args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=app_env(database), check=True)


def ensure_database(label: str, size: dict[str, int]) -> str:
    """A benchmark database holding the reference data plus synthetic data of this size (reused if so)."""
    database = f"{PREFIX}_{label}"
    wanted = json.dumps(size, sort_keys=True)
    # The name is ours (prefix + label), never user input.
    recorded = psql(f"SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = '{database}'")  # noqa: S608
    if recorded == wanted:
        log(f"{database}: reusing ({wanted})")
        manage(database, "migrate", "--noinput", "-v0")
        # As autovacuum would have by now on a real server (seeds made before seed_synthetic vacuumed did not).
        psql("VACUUM (ANALYZE)", database)
        return database
    log(f"{database}: creating and seeding {wanted}")
    psql(f'DROP DATABASE IF EXISTS "{database}"')
    psql(f'CREATE DATABASE "{database}"')
    manage(database, "migrate", "--noinput", "-v0")
    manage(database, "loaddata", "member_countries", "-v0")
    manage(database, "load_declarations", *map(str, sorted((ROOT / "fixtures" / "declarations").glob("*.txt"))))
    started = time.monotonic()
    manage(database, "seed_synthetic", *(f"--{k.replace('_', '-')}={v}" for k, v in size.items()))
    log(f"{database}: seeded in {time.monotonic() - started:.0f} s")
    psql(f"COMMENT ON DATABASE \"{database}\" IS '{wanted}'")
    return database


@contextmanager
def gunicorn(database: str, port: int) -> Iterator[str]:
    base = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "gunicorn",
            "rcm_tracker.wsgi",
            "-w",
            str(WORKERS),
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=app_env(database),
    )
    try:
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:  # noqa: S310 -- local
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(0.2)
        else:
            raise SystemExit("gunicorn did not answer /healthz")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0}


def parse_wrk(output: str) -> dict[str, Any]:
    def latency(percentile: str) -> float:
        match = re.search(rf"^\s+{percentile}%\s+([\d.]+)(us|ms|s)\s*$", output, re.M)
        return round(float(match.group(1)) * UNITS[match.group(2)], 2) if match else float("nan")

    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    return {
        "rps": float(rps.group(1)) if rps else 0.0,
        "p50_ms": latency("50"),
        "p99_ms": latency("99"),
        "non_2xx": int(errors.group(1)) if errors else 0,
    }


def measure(wrk: str, url: str, headers: dict[str, str]) -> dict[str, Any]:
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 -- local
    with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310 -- local
        body = response.read()
        status = response.status
    if status != 200:
        raise SystemExit(f"{url} answered {status}")
    header_args = [arg for name, value in headers.items() for arg in ("-H", f"{name}: {value}")]
    subprocess.run([wrk, "-t1", f"-c{CONNECTIONS}", f"-d{WARMUP}s", *header_args, url], capture_output=True, check=True)
    out = subprocess.run(
        [wrk, "-t2", f"-c{CONNECTIONS}", f"-d{DURATION}s", "--timeout", "60s", "--latency", *header_args, url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return {"url": url.split("/", 3)[3], "bytes": len(body), **parse_wrk(out)}


def prepare(database: str) -> dict[str, Any]:
    out = subprocess.run(
        [PYTHON, "bench/prepare.py"], cwd=ROOT, env=app_env(database), check=True, capture_output=True, text=True
    )
    facts: dict[str, Any] = json.loads(out.stdout)
    return facts


def endpoints(facts: dict[str, Any], *, full: bool) -> dict[str, tuple[str, dict[str, str]]]:
    token = {"Authorization": f"Token {facts['token']}"}
    session = {"Cookie": f"sessionid={facts['session']}"}
    country, declaration = facts["country"], facts["declaration"]
    chosen: dict[str, tuple[str, dict[str, str]]] = {
        "ceiling": (f"/bench/ceiling/?country={country}", {}),
        "implementations_list": (f"/api/v1/implementations/?country={country}&page_size=100", token),
        "dashboard": (f"/dashboard/?declaration={declaration}", session),
        "summary": ("/api/v1/summary/", token),
        "summary_declaration": (f"/api/v1/summary/?declaration={declaration}", token),
    }
    if full:
        chosen["implementation_page"] = (f"/implementations/{facts['implementation']}/", session)
        chosen["implementation_history_api"] = (f"/api/v1/implementations/{facts['implementation']}/updates/", token)
    deep_page = facts["deep_page"]
    chosen["list_first_page"] = ("/api/v1/implementations/?page_size=100", token)
    chosen["list_deep_offset"] = (f"/api/v1/implementations/?page_size=100&page={deep_page}", token)
    if facts.get("deep_cursor"):
        chosen["list_deep_cursor"] = (f"/api/v1/implementations/?page_size=100&cursor={facts['deep_cursor']}", token)
    return chosen


def run_sizes(wrk: str, sizes: dict[str, dict[str, int]]) -> dict[str, Any]:
    """Both sizes served at once (one gunicorn each, idle while the other is measured); each endpoint
    is measured at every size back to back, so a change in the machine's load hits both alike, and
    the whole sequence is repeated ROUNDS times."""
    databases = {label: ensure_database(label, size) for label, size in sizes.items()}
    facts = {label: prepare(database) for label, database in databases.items()}
    manage(databases["1x"], "collectstatic", "--noinput", "-v0")
    rounds: dict[str, dict[str, list[dict[str, Any]]]] = {label: {} for label in sizes}
    only = [name for name in os.environ.get("BENCH_ENDPOINTS", "").split(",") if name]
    with ExitStack() as stack:
        bases = {
            label: stack.enter_context(gunicorn(database, PORT + index))
            for index, (label, database) in enumerate(databases.items())
        }
        for number in range(1, ROUNDS + 1):
            log(f"round {number} of {ROUNDS}")
            for name in endpoints(facts["1x"], full=True):
                if only and name not in {"ceiling", *only}:
                    continue
                for label in sizes:
                    chosen = endpoints(facts[label], full=label == "1x")
                    if name not in chosen:
                        continue
                    path, headers = chosen[name]
                    r = measure(wrk, bases[label] + path, headers)
                    rounds[label].setdefault(name, []).append(r)
                    log(
                        f"{label:>4} {name:<28} {r['rps']:>8.1f} req/s"
                        f"  p50 {r['p50_ms']:>8.2f} ms  p99 {r['p99_ms']:>8.2f} ms"
                    )
    results = {label: {name: median_of(rounds[label], name) for name in rounds[label]} for label in sizes}
    report: dict[str, Any] = {}
    for label, measured in results.items():
        for name, r in measured.items():
            # Each round's ratio to the ceiling measured in that round, then their median.
            ratios = [
                one["rps"] / ceiling["rps"]
                for one, ceiling in zip(rounds[label][name], rounds[label]["ceiling"], strict=True)
                if ceiling["rps"]
            ]
            r["ratio_to_ceiling"] = round(statistics.median(ratios), 3) if ratios else None
        data = {k: facts[label][k] for k in ("implementations", "updates", "database_bytes")}
        report[label] = {"database": databases[label], "size": sizes[label], "data": data, "endpoints": measured}
    return report


def median_of(readings: dict[str, list[dict[str, Any]]], name: str) -> dict[str, Any]:
    """One endpoint's rounds as one reading: the median of each figure, and every round kept."""
    runs = readings[name]
    merged = {key: statistics.median(run[key] for run in runs) for key in ("rps", "p50_ms", "p99_ms")}
    return {
        "url": runs[0]["url"],
        "bytes": runs[0]["bytes"],
        **merged,
        "non_2xx": sum(run["non_2xx"] for run in runs),
        "rounds": [{key: run[key] for key in ("rps", "p50_ms", "p99_ms")} for run in runs],
    }


def csv_memory() -> dict[str, Any]:
    database = ensure_database("csv", CSV_SIZE)
    out = subprocess.run(
        [PYTHON, "bench/csv_memory.py"], cwd=ROOT, env=app_env(database), check=True, capture_output=True, text=True
    )
    measured: dict[str, Any] = json.loads(out.stdout)
    return {"database": database, "size": CSV_SIZE, **measured}


def machine() -> dict[str, Any]:
    memory = next(
        (
            int(line.split()[1]) // 1024
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        ),
        None,
    )
    return {
        "cpus": os.cpu_count(),
        "memory_mib": memory,
        "python": platform.python_version(),
        "postgresql": psql("SHOW server_version"),
        "gunicorn_workers": WORKERS,
        "wrk_connections": CONNECTIONS,
        "duration_s": DURATION,
        "rounds": ROUNDS,
    }


def main() -> None:
    wrk = ensure_wrk()
    RESULTS.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    large = {**BASE_SIZE, "declarations": BASE_SIZE["declarations"] * SCALE}
    report: dict[str, Any] = {"machine": machine(), "when": datetime.datetime.now(datetime.UTC).isoformat()}
    if os.environ.get("BENCH_QUICK") == "1":  # while optimising: 1× only, no summary
        run_sizes(wrk, {"1x": BASE_SIZE})
        return
    report.update(run_sizes(wrk, {"1x": BASE_SIZE, f"{SCALE}x": large}))
    if os.environ.get("BENCH_CSV", "1") == "1":
        log("CSV export of every implementation, peak memory")
        report["csv"] = csv_memory()
    report["seconds"] = round(time.monotonic() - started)
    summary = summarise(report)
    report["summary"] = summary
    name = RESULTS / f"bench-{datetime.datetime.now():%Y%m%d-%H%M%S}.json"
    name.write_text(json.dumps(report, indent=2))
    (RESULTS / "latest.json").write_text(json.dumps(report, indent=2))
    print_summary(report)
    print(f"\nResults: {name.relative_to(ROOT)} (and bench/results/latest.json)")


def summarise(report: dict[str, Any]) -> dict[str, Any]:
    small, large = report["1x"]["endpoints"], report[f"{SCALE}x"]["endpoints"]
    growth = {
        name: round(large[name]["p50_ms"] / small[name]["p50_ms"], 2)
        for name in ("dashboard", "summary", "summary_declaration", "implementations_list", "list_first_page")
        if name in large and small[name]["p50_ms"]
    }
    summary: dict[str, Any] = {
        "list_ratio_to_ceiling_1x": small["implementations_list"]["ratio_to_ceiling"],
        "list_ratio_to_ceiling_large": large["implementations_list"]["ratio_to_ceiling"],
        f"p50_{SCALE}x_over_1x": growth,
        "deep_page_p50_over_first_page_p50": {
            key: round(large[key]["p50_ms"] / large["list_first_page"]["p50_ms"], 2)
            for key in ("list_deep_offset", "list_deep_cursor")
            if key in large
        },
    }
    if "csv" in report:
        summary["csv_peak_rss_mib"] = report["csv"]["peak_rss_mib"]
    return summary


def print_summary(report: dict[str, Any]) -> None:
    for label in ("1x", f"{SCALE}x"):
        block = report[label]
        data = block["data"]
        print(
            f"\n{label}: {data['implementations']:,} implementations, {data['updates']:,} updates, "
            f"database {data['database_bytes'] / 2**20:.0f} MiB"
        )
        print(f"  {'endpoint':<28} {'req/s':>9} {'p50 ms':>9} {'p99 ms':>9} {'× ceiling':>10} {'bytes':>9}")
        for name, r in block["endpoints"].items():
            print(
                f"  {name:<28} {r['rps']:>9.1f} {r['p50_ms']:>9.2f} {r['p99_ms']:>9.2f} "
                f"{r['ratio_to_ceiling']:>10.2f} {r['bytes']:>9}"
                + (f"  ({r['non_2xx']} non-2xx!)" if r["non_2xx"] else "")
            )
    print("\nSummary:", json.dumps(report["summary"], indent=2))


if __name__ == "__main__":
    main()
