#!/usr/bin/env python3
"""The gateway under load, and the core's Criterion figures, into BENCHMARKS.md.

Run through scripts/bench.sh (which builds and provides PostgreSQL). For each backend (SQLite;
PostgreSQL when SHEBAO_TEST_POSTGRES_URL is set) and each population size: a fresh database,
`shebao-gateway seed --population N`, a sandbox gateway with duplicated channel notifications,
`shebao-load` signed reads for a fixed time and complete payments for a fixed count, then
`shebao-gateway admin reconcile` (a double charge or a lost payment fails the run). Beside each
PostgreSQL run, pgbench's built-in simple-update on the same server is the ceiling.

--smoke: tiny sizes, no BENCHMARKS.md rewrite (CI runs it so the harness can't rot).
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
BEGIN, END = "<!-- bench.sh:begin -->", "<!-- bench.sh:end -->"

FULL = {"sizes": [10_000, 100_000, 1_000_000], "clients": 64, "read_seconds": 15, "payments": 2000, "pgbench_seconds": 15}
SMOKE = {"sizes": [300], "clients": 4, "read_seconds": 2, "payments": 40, "pgbench_seconds": 2}
TARGETS = {"reads_per_second": 2000, "read_p99_ms": 50, "payments_per_second_postgres": 200}


def log(message: str) -> None:
    print(f"==> bench: {message}", file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pg_bin(tool: str) -> str:
    found = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{tool}"), key=lambda p: int(p.parts[-3]))
    return str(found[-1]) if found else tool


def pg_args(url: str) -> list[str]:
    parts = urlsplit(url)
    return ["-h", parts.hostname or "127.0.0.1", "-p", str(parts.port or 5432), "-U", parts.username or "postgres"]


def fresh_database(backend: str, name: str, workdir: Path) -> str:
    if backend == "sqlite":
        return str(workdir / f"{name}.sqlite3")
    url = os.environ["SHEBAO_TEST_POSTGRES_URL"]
    subprocess.run([pg_bin("createdb"), *pg_args(url), name], check=True)
    return url.rsplit("/", 1)[0] + "/" + name


def run_json(command: list[str]) -> dict:
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def reconcile(gateway: str, database: str) -> dict:
    done = subprocess.run([gateway, "admin", "reconcile", "--database", database], capture_output=True, text=True)
    line = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else done.stderr
    figures = {key.strip().replace(" ", "_"): int(value) for key, value in
               (re.match(r"(.+?) (\d+)$", part.strip()).groups() for part in line.split("·"))}
    figures["sound"] = done.returncode == 0
    return figures


def serve(gateway: str, database: str, port: int, workdir: Path) -> subprocess.Popen:
    config = workdir / "gateway.toml"
    config.write_text("[sandbox_faults]\nduplicate_notifications = true\n")
    out = open(workdir / f"serve-{port}.log", "w")
    process = subprocess.Popen(
        [gateway, "--config", str(config), "serve", "--sandbox", "--database", database, "--bind", f"127.0.0.1:{port}"],
        stdout=out, stderr=subprocess.STDOUT, env={**os.environ, "RUST_LOG": "warn"},
    )
    for _ in range(300):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/ready", timeout=1) as answer:
                if answer.status == 200:
                    return process
        except OSError:
            pass
        if process.poll() is not None:
            raise SystemExit(f"the gateway stopped: see {out.name}")
        time.sleep(0.2)
    raise SystemExit("the gateway never became ready")


def pgbench(seconds: int, clients: int, workdir: Path) -> float:
    url = os.environ["SHEBAO_TEST_POSTGRES_URL"]
    subprocess.run([pg_bin("createdb"), *pg_args(url), "pgbench"], check=False, capture_output=True)
    subprocess.run([pg_bin("pgbench"), *pg_args(url), "-i", "-q", "-s", "10", "pgbench"], check=True, capture_output=True)
    done = subprocess.run(
        [pg_bin("pgbench"), *pg_args(url), "-b", "simple-update", "-c", str(clients), "-j", "2", "-T", str(seconds), "pgbench"],
        check=True, capture_output=True, text=True,
    )
    tps = re.search(r"tps = ([\d.]+)", done.stdout)
    return round(float(tps.group(1)), 1) if tps else 0.0


def criterion(name: str) -> dict:
    estimates = ROOT / "target" / "criterion" / name / "new" / "estimates.json"
    data = json.loads(estimates.read_text())["median"]
    return {"median_ns": data["point_estimate"], "low_ns": data["confidence_interval"]["lower_bound"],
            "high_ns": data["confidence_interval"]["upper_bound"]}


def pretty_ns(ns: float) -> str:
    if ns >= 1e6:
        return f"{ns / 1e6:.1f} ms"
    if ns >= 1e3:
        return f"{ns / 1e3:.1f} µs"
    return f"{ns:.0f} ns"


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "?")
    rustc = subprocess.run(["rustc", "--version"], capture_output=True, text=True).stdout.strip()
    load = os.getloadavg()[0]
    return (f"{os.cpu_count()} cores, {cpu}, {platform.system()} {platform.release()}, {rustc}; "
            f"load average {load:.1f} at the end of the run")


def render(results: dict) -> str:
    lines = [BEGIN, "", f"Written by `bash scripts/bench.sh` on {results['date']}. Machine: {results['machine']}.", ""]
    lines += ["## Core costs (Criterion, release)", "", "| benchmark | median | 95 % interval |", "| --- | --- | --- |"]
    for name, figure in results["criterion"].items():
        lines.append(f"| `{name}` | **{pretty_ns(figure['median_ns'])}** | {pretty_ns(figure['low_ns'])}–{pretty_ns(figure['high_ns'])} |")
    lines += ["", "## Gateway under load (release, loopback)", "",
              f"Signed reads: {results['clients']} clients, each its own device, `GET /v1/payables` for "
              f"{results['read_seconds']} s, every response signature verified. Payments: {results['payments']} people paid "
              "completely (declare → order → attempt → cashier form → notification → `paid`, long poll), "
              f"{results['clients']} clients, a fifth of the state-changing requests sent twice under one idempotency key, "
              "every channel notification delivered twice (sandbox fault). Then `shebao-gateway admin reconcile`.", "",
              f"Targets: ≥ {TARGETS['reads_per_second']:,} signed reads/s with p99 < {TARGETS['read_p99_ms']} ms; "
              f"≥ {TARGETS['payments_per_second_postgres']} completed payments/s on PostgreSQL; zero double charges and zero lost payments.", "",
              "| backend | people | seed | reads/s | read p50 / p99 | payments/s | payment p50 / p99 | pgbench simple-update tps | reconciliation |",
              "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for run in results["runs"]:
        books = run["books"]
        verdict = ("sound" if books["sound"] else "**NOT SOUND**") + f" (taken {books['taken']}, kept {books['kept']}, double {books['double_charged']}, lost {books['lost']})"
        lines.append(
            f"| {run['backend']} | {run['people']:,} | {run['seed_seconds']} s | {run['reads']['per_second']:,} | "
            f"{run['reads']['p50_ms']} / {run['reads']['p99_ms']} ms | {run['payments']['per_second']} | "
            f"{run['payments']['p50_ms']} / {run['payments']['p99_ms']} ms | {run.get('pgbench_tps', '—')} | {verdict} |")
    lines += ["", "Targets met:", ""]
    for line in results["verdicts"]:
        lines.append(f"- {line}")
    lines += ["", "The PostgreSQL server is the test suite's throwaway cluster (fsync and synchronous commit off), the same "
              "for the gateway and for pgbench. Load generator, gateway and database share the machine's cores.", "", END]
    return "\n".join(lines) + "\n"


def verdicts(runs: list[dict]) -> list[str]:
    out = []
    for run in runs:
        label = f"{run['backend']}, {run['people']:,} people"
        reads = run["reads"]
        ok = reads["per_second"] >= TARGETS["reads_per_second"] and reads["p99_ms"] < TARGETS["read_p99_ms"]
        out.append(f"{label}: signed reads {'met' if ok else 'missed'} ({reads['per_second']:,}/s, p99 {reads['p99_ms']} ms)")
        if run["backend"] == "postgres":
            pay = run["payments"]["per_second"]
            out.append(f"{label}: payments {'met' if pay >= TARGETS['payments_per_second_postgres'] else 'missed'} ({pay}/s)")
        out.append(f"{label}: reconciliation {'met' if run['books']['sound'] else 'missed'}")
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--smoke", action="store_true")
    parser.add_argument("--bin-dir", required=True)
    args = parser.parse_args()
    plan = SMOKE if args.smoke else FULL
    gateway = str(Path(args.bin_dir) / "shebao-gateway")
    load = str(Path(args.bin_dir) / "shebao-load")
    backends = ["sqlite"] + (["postgres"] if os.environ.get("SHEBAO_TEST_POSTGRES_URL") else [])
    runs = []
    failures = []
    with tempfile.TemporaryDirectory(prefix="shebao-bench.") as scratch:
        workdir = Path(scratch)
        for backend in backends:
            for size in plan["sizes"]:
                name = f"bench_{backend}_{size}"
                log(f"{backend}, {size:,} people: seeding")
                database = fresh_database(backend, name, workdir)
                started = time.monotonic()
                subprocess.run([gateway, "seed", "--population", str(size), "--database", database],
                               check=True, capture_output=True, env={**os.environ, "RUST_LOG": "warn"})
                seed_seconds = round(time.monotonic() - started, 1)
                port = free_port()
                process = serve(gateway, database, port, workdir)
                origin = f"http://127.0.0.1:{port}"
                try:
                    log(f"{backend}, {size:,} people: signed reads")
                    reads = run_json([load, "--origin", origin, "--scenario", "reads", "--clients", str(plan["clients"]),
                                      "--seconds", str(plan["read_seconds"])])
                    payments_count = min(plan["payments"], size)
                    log(f"{backend}, {size:,} people: {payments_count} payments")
                    payments = run_json([load, "--origin", origin, "--scenario", "payments", "--clients", str(plan["clients"]),
                                         "--payments", str(payments_count)])
                    # Let the channels' second notifications land before the books are read.
                    time.sleep(2)
                finally:
                    process.send_signal(signal.SIGTERM)
                    process.wait(timeout=60)
                books = reconcile(gateway, database)
                run = {"backend": backend, "people": size, "seed_seconds": seed_seconds, "reads": reads,
                       "payments": payments, "books": books}
                if backend == "postgres":
                    run["pgbench_tps"] = pgbench(plan["pgbench_seconds"], min(plan["clients"], 32), workdir)
                runs.append(run)
                log(json.dumps(run, ensure_ascii=False))
                if not books["sound"] or payments["failed"] or payments["completed"] != payments_count:
                    failures.append(f"{backend} {size}: {books} {payments}")
    results = {"date": datetime.now(timezone.utc).strftime("%Y-%m-%d"), "machine": machine(), "runs": runs,
               "clients": plan["clients"], "read_seconds": plan["read_seconds"], "payments": plan["payments"],
               "verdicts": verdicts(runs)}
    if not args.smoke:
        results["criterion"] = {name: criterion(name) for name in
                                ["request/sign", "request/verify", "policy/price_year", "certificate/render_png", "certificate/render_jpeg"]}
        path = ROOT / "BENCHMARKS.md"
        text = path.read_text()
        block = render(results)
        if BEGIN in text:
            text = text[: text.index(BEGIN)] + block + text[text.index(END) + len(END) + 1:]
        else:
            text = text.rstrip("\n") + "\n\n" + block
        path.write_text(text)
        log("BENCHMARKS.md rewritten")
    print(json.dumps(results, ensure_ascii=False, indent=1))
    if failures:
        raise SystemExit("bench: a run lost or doubled a payment, or a payment failed: " + "; ".join(failures))


if __name__ == "__main__":
    main()
