"""Peak memory and time of `registry scrub` as the file grows: a measurement, not a test.

    PYTHONPATH=functions:. .venv/bin/python -m tests.scrub_rss [--rows 10000 100000] [--url URL --key KEY]

Starts a fresh local stack on free ports (as infra.with_stack does; or uses ``--url``), writes a CSV
of N leads (id, name, phone, city, notes), runs ``python -m registry.cli scrub`` on it as its own
process and reads that process's peak resident set size from the kernel (``os.wait4``'s
``ru_maxrss``), and its RSS at a tenth, half and nine tenths of the run (``/proc``). One JSON line
per file size. Memory is flat when the figures barely move as N grows
tenfold; the time is the local server's, which answers every batch from the emulator.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from infra.net import LOCALHOST, free_port, http_status, wait_until

ROOT = Path(__file__).resolve().parent.parent


def write_leads(path: Path, rows: int, seed: int = 11) -> None:
    draw = random.Random(seed)
    with open(path, "w", newline="") as f:
        out = csv.writer(f)
        out.writerow(["id", "name", "phone", "city", "notes"])
        for i in range(rows):
            phone = f"+1{draw.choice(['415', '212', '305', '512'])}{draw.randrange(200, 999)}{draw.randrange(10_000):04d}"
            out.writerow([i, f"Lead {i}", "" if i % 997 == 0 else phone, "Somewhere", "a note, with a comma"])


def _rss_kib(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def scrub(url: str, key: str, source: Path, output: Path, log: Path) -> tuple[int, float, int, list[int]]:
    """(peak RSS in KiB, seconds, exit status, RSS in KiB sampled every half second) of one `registry scrub` process."""
    cmd = [sys.executable, "-m", "registry.cli", "scrub", str(source), "--column", "phone", "--channel", "call",
           "--purpose", "marketing", "-o", str(output), "--url", url]
    env = {**os.environ, "PYTHONPATH": f"{ROOT / 'functions'}:{ROOT}", "REGISTRY_API_KEY": key}
    started = time.monotonic()
    with open(log, "ab") as err:
        process = subprocess.Popen(cmd, cwd=ROOT, env=env, stderr=err)
        samples: list[int] = []
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            rss = _rss_kib(process.pid)
            if rss:
                samples.append(rss)
            time.sleep(0.5)
    process.returncode = os.waitstatus_to_exitcode(status)
    return usage.ru_maxrss, time.monotonic() - started, process.returncode, samples


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--url", help="a running registry (default: start a fresh local stack)")
    parser.add_argument("--key", default="local-dialer")
    parser.add_argument("--log", type=Path, default=ROOT / ".local" / "scrub_rss.log")
    args = parser.parse_args(argv)
    args.log.parent.mkdir(parents=True, exist_ok=True)
    args.log.write_bytes(b"")

    stack = None
    url = args.url
    if not url:
        port, moto_port = free_port(), free_port()
        url = f"http://{LOCALHOST}:{port}"
        env = {**os.environ, "PORT": str(port), "MOTO_PORT": str(moto_port), "REGISTRY_LOCAL_STACK_FILE": "",
               "PYTHONPATH": f"{ROOT / 'functions'}:{ROOT}"}
        with open(args.log.with_suffix(".stack.log"), "wb") as log:
            stack = subprocess.Popen([sys.executable, "-m", "infra.local_stack"], cwd=ROOT, env=env, stdout=log,
                                     stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_until(lambda: http_status(f"{url}/v1/health") == 200, 90, f"the registry at {url}",
                   alive=lambda: stack is None or stack.poll() is None, interval=0.5)
        with tempfile.TemporaryDirectory() as tmp:
            for rows in args.rows:
                source, output = Path(tmp) / f"leads-{rows}.csv", Path(tmp) / f"out-{rows}.csv"
                write_leads(source, rows)
                peak_kib, seconds, status, samples = scrub(url, args.key, source, output, args.log)
                # RSS at a tenth, half and nine tenths of the run: flat memory reads the same at each
                over_time = [round(samples[int(len(samples) * f)] / 1024, 1) for f in (0.1, 0.5, 0.9)] if samples else []
                with open(output, newline="") as f:
                    written = sum(1 for _ in csv.reader(f)) - 1 if status == 0 else 0
                print(json.dumps({"bench": "scrub_rss", "backend": "local-stack", "rows": rows,
                                  "file_mib": round(source.stat().st_size / 2**20, 1),
                                  "peak_rss_mib": round(peak_kib / 1024, 1), "rss_mib_10_50_90": over_time,
                                  "seconds": round(seconds, 1),
                                  "rows_per_s": round(rows / seconds), "rows_written": written, "exit": status}),
                      flush=True)
                source.unlink()
                output.unlink(missing_ok=True)
    finally:
        if stack is not None and stack.poll() is None:
            stack.terminate()
            try:
                stack.wait(timeout=20)
            except subprocess.TimeoutExpired:
                stack.kill()
                stack.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
