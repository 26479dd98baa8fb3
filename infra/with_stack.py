"""Run a command against a fresh local stack, e.g. the shared acceptance tests:

    python -m infra.with_stack [--timeout 90] [--log FILE] -- pytest ../shared/acceptance

The stack gets free ports (a developer's own `make run` may hold 3000/5050) and an empty table of
its own (never the developer's kept data), the command gets REGISTRY_URL, and the stack is stopped
afterwards whatever happens. Exits with the command's status.
"""
from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
from pathlib import Path

from .net import LOCALHOST, free_port, http_status, wait_until

ROOT = Path(__file__).resolve().parent.parent


def _raise_keyboard_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _tail(path: Path, limit: int = 6000) -> str:
    try:
        return path.read_bytes()[-limit:].decode(errors="replace")
    except OSError:
        return ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.with_stack", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--timeout", type=float, default=90.0, help="seconds to wait for /v1/health")
    parser.add_argument("--log", type=Path, default=ROOT / ".local" / "stack.log")
    parser.add_argument("cmd", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    cmd = args.cmd[1:] if args.cmd[:1] == ["--"] else args.cmd
    if not cmd:
        parser.error("a command is needed after --")

    signal.signal(signal.SIGTERM, _raise_keyboard_interrupt)
    port, moto_port = free_port(), free_port()
    url = f"http://{LOCALHOST}:{port}"
    args.log.parent.mkdir(parents=True, exist_ok=True)
    # STACK_FILE_ENV "": this throwaway stack must not stand in for a developer's own `make run`, nor
    # use its data (with no data directory the stack keeps its table in a temporary one: fresh).
    env = {k: v for k, v in os.environ.items() if k not in ("REGISTRY_LOCAL_DATA_DIR", "REGISTRY_LOCAL_FRESH")}
    env.update({"PORT": str(port), "MOTO_PORT": str(moto_port), "REGISTRY_LOCAL_STACK_FILE": ""})
    with open(args.log, "wb") as log:
        stack = subprocess.Popen([sys.executable, "-m", "infra.local_stack"], cwd=ROOT, env=env,
                                 stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        try:
            wait_until(lambda: http_status(f"{url}/v1/health") == 200, args.timeout,
                       f"the local stack on {url}", alive=lambda: stack.poll() is None, interval=0.5)
        except (TimeoutError, RuntimeError) as err:
            print(f"with_stack: {err}; last lines of {args.log}:\n{_tail(args.log)}", file=sys.stderr)
            return 1
        print(f"local stack at {url} (log: {args.log})", flush=True)
        return subprocess.call(cmd, env={**os.environ, "REGISTRY_URL": url})
    except KeyboardInterrupt:
        return 130
    finally:
        if stack.poll() is None:
            stack.terminate()
            try:
                stack.wait(timeout=20)
            except subprocess.TimeoutExpired:
                stack.kill()
                stack.wait()


if __name__ == "__main__":
    sys.exit(main())
