"""``registry scrub`` and ``registry lists import``, from parsed arguments to an exit status.

Status 0: the run completed (a scrub with rows the registry could not ask about still completes:
those rows carry their error). 1: the run could not complete (the registry refused the request or
could not be reached after the retries; the message says which). 2: the command was given
something unusable (no such file or column, no key for a deployed URL). Messages go to stderr
and never hold the API key.
"""
from __future__ import annotations

import argparse
import csv
import json
import time
from typing import TextIO

from .http import Registry, RequestFailed
from .target import Target, TargetError, resolve

MAX_CONCURRENCY = 16


def _fail(err: TextIO, command: str, message: str, status: int) -> int:
    print(f"registry {command}: {message}", file=err)
    return status


def run_client(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    command = "scrub" if args.group == "scrub" else f"lists {args.command}"
    try:
        target = resolve(args.url, args.key, bool(getattr(args, "local", False)), write=args.group == "lists",
                         bucket=getattr(args, "bucket", None))
    except TargetError as error:
        return _fail(err, command, str(error), 2)
    if args.group == "scrub":
        return _scrub(args, target, out, err)
    return _import(args, target, out, err)


def _scrub(args: argparse.Namespace, target: Target, out: TextIO, err: TextIO) -> int:
    from .scrub import Ask, ScrubFailed, run

    if not 1 <= args.concurrency <= MAX_CONCURRENCY:
        return _fail(err, "scrub", f"--concurrency: 1 to {MAX_CONCURRENCY}", 2)
    ask = Ask(args.channel, args.purpose, args.brand, args.dialing, args.at)
    with Registry(target, pool=args.concurrency * 2) as registry:
        try:
            summary = run(args.file, args.output, registry, args.column, ask, concurrency=args.concurrency,
                          show_progress=not args.quiet, err=err)
        except FileNotFoundError as error:
            return _fail(err, "scrub", f"no such file: {error.filename}", 2)
        except (ValueError, UnicodeDecodeError) as error:  # no such column, an empty file, not UTF-8
            return _fail(err, "scrub", f"{args.file}: {error}; no output written", 2)
        except csv.Error as error:  # e.g. a cell over the csv module's 128 KiB field limit
            return _fail(err, "scrub", f"{args.file} is not a CSV the command can read: {error}; no output written", 2)
        except KeyboardInterrupt:
            return _fail(err, "scrub", "interrupted; no output written", 130)
        except ScrubFailed as error:
            return _fail(err, "scrub", f"stopped after {error.rows_done:,} rows, no output written: {error}", 1)
    where = "" if args.output == "-" else f"; wrote {args.output}"
    print(f"registry scrub: {summary.line()}{where}", file=err)
    return 0


def _import(args: argparse.Namespace, target: Target, out: TextIO, err: TextIO) -> int:
    from .list_import import ImportFailed, check, follow, start, summary_line, upload

    mode = "changes" if args.changes else "full"
    try:
        check(args.list_name, mode, args.version)
    except ValueError as error:
        return _fail(err, "lists import", str(error), 2)
    started = time.monotonic()
    with Registry(target) as registry:
        try:
            uploaded = upload(args.file, target, args.list_name, mode, args.version, show_progress=not args.quiet, err=err)
            print(f"registry lists import: put {uploaded.lines:,} lines in s3://{uploaded.bucket}/{uploaded.key}",
                  file=err)
            import_id = start(registry, args.list_name, mode, uploaded, args.version)
            if args.no_wait:
                print(json.dumps({"id": import_id, "list": args.list_name, "bucket": uploaded.bucket,
                                  "key": uploaded.key, "mode": mode}), file=out)
                return 0
            record = follow(registry, args.list_name, import_id, uploaded.lines, interval=args.interval,
                            show_progress=not args.quiet, err=err)
        except FileNotFoundError as error:
            return _fail(err, "lists import", f"no such file: {error.filename}", 2)
        except (ImportFailed, RequestFailed) as error:
            return _fail(err, "lists import", str(error), 1)
        except KeyboardInterrupt:
            return _fail(err, "lists import", "stopped following; the import goes on in the registry", 130)
    print(json.dumps(record, indent=2), file=out)
    print(f"registry lists import: {summary_line(record, time.monotonic() - started)}", file=err)
    return 0 if record.get("status") == "done" else 1
