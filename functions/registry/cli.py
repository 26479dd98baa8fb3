"""Command line: ``registry keys create|revoke|list`` (admin, straight to the table), and the client
commands ``registry scrub`` and ``registry lists import`` (over HTTP: ``registry.client``, which
needs the ``cli`` extra). Also ``python -m registry.cli``.

``keys``:

It reads the same environment as the functions (``REGISTRY_TABLE``, ``AWS_REGION``,
``AWS_ENDPOINT_URL_DYNAMODB``, the usual AWS credentials), so it works against AWS as it is; with
``--local`` it takes the local stack's settings from ``infra.local_stack``, the one place they are
written: fake credentials, and the DynamoDB the running ``make run`` published (moto or DynamoDB
Local), or moto at 127.0.0.1:$MOTO_PORT. Output is JSON on
stdout; errors are JSON on stderr with exit status 1, naming the real cause (no credentials,
nothing listening at the endpoint, no such table) rather than a bare "unavailable". A created
key's secret is printed once, at creation, and cannot be recovered afterwards.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import os
import sys
from collections.abc import Sequence
from typing import TextIO

from .domain.vocabulary import API_KEY_SCOPES, Channel, ContactPurpose, Dialing

CLIENT_NEEDS = ("httpx", "tqdm")  # the `cli` extra
LOCAL_HELP = "talk to the local stack of `make run` (no AWS account or credentials needed)"
TARGET_HELP = ("the registry's base URL (default: $REGISTRY_URL; with neither, or with --local, the local stack "
               "at http://127.0.0.1:$PORT, 3000)")
KEY_HELP = "API key (default: $REGISTRY_API_KEY, which keeps it out of the process list; --local: the local stack's)"


def _client_options(parser: argparse.ArgumentParser) -> None:
    # SUPPRESS: `registry --local scrub ...` and `registry scrub --local ...` both work (a subcommand's
    # default would otherwise overwrite the value the main parser read).
    parser.add_argument("--local", action="store_true", default=argparse.SUPPRESS, help=LOCAL_HELP)
    parser.add_argument("--url", help=TARGET_HELP)
    parser.add_argument("--key", help=KEY_HELP)
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bar")


def _client_parsers(groups: argparse._SubParsersAction) -> None:
    scrub = groups.add_parser("scrub", help="scrub a CSV of leads through the batch lookup",
                              description="Every row of FILE, asked in batches of 1,000 (POST /v1/permissions/batch), "
                                          "written to OUT in input order with every input column plus decision, "
                                          "reasons (codes, ';'-joined) and next_allowed_at. A summary goes to stderr.")
    scrub.add_argument("file", help="the CSV, with a header row ('-': stdin)")
    scrub.add_argument("--column", required=True, help="the header of the column holding the phone (or email)")
    scrub.add_argument("--channel", required=True, choices=[c.value for c in Channel])
    scrub.add_argument("--purpose", required=True, choices=[p.value for p in ContactPurpose])
    scrub.add_argument("--brand", help="the seller the contact is for (default: the registry's `default`)")
    scrub.add_argument("--dialing", choices=[d.value for d in Dialing], help="how calls are placed (default: manual)")
    scrub.add_argument("--at", help="the moment the decisions are for, ISO 8601 with an offset (default: now)")
    scrub.add_argument("-o", "--output", required=True, help="where to write the scrubbed CSV ('-': stdout)")
    scrub.add_argument("--concurrency", type=int, default=4, help="batches asked at once (default 4, at most 16)")
    _client_options(scrub)

    lists = groups.add_parser("lists", help="suppression lists over the API")
    list_commands = lists.add_subparsers(dest="command", required=True)
    load = list_commands.add_parser("import", help="put a national-registry file in the import bucket and follow "
                                                   "its import",
                                    description="Uploads FILE to imports/{list}/full/... (or changes/...) in the import "
                                                "bucket, starts its import (POST /v1/suppression-lists/{list}/imports) "
                                                "and shows its progress until it is done or failed; prints the import "
                                                "record as JSON.")
    load.add_argument("file", help="a full list (10-digit, AAA,NNNNNNN or E.164 a line) or, with --changes, a change list")
    load.add_argument("--list", required=True, dest="list_name", help="the suppression list's name")
    load.add_argument("--changes", action="store_true", help="the file is a change list (A/D records), not a full copy")
    load.add_argument("--version", help="the copy's date, YYYY-MM-DD (default: the registry takes it from the key or "
                                        "the file's date)")
    load.add_argument("--bucket", help="the import bucket (default: $REGISTRY_IMPORT_BUCKET; local: registry-imports)")
    load.add_argument("--interval", type=float, default=1.0, help="seconds between progress reads (default 1)")
    load.add_argument("--no-wait", action="store_true", help="start the import and print its id; do not follow it")
    _client_options(load)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="registry", description="Registry administration and client commands")
    parser.add_argument("--local", action="store_true", help=LOCAL_HELP)
    groups = parser.add_subparsers(dest="group", required=True)
    keys = groups.add_parser("keys", help="manage API keys")
    commands = keys.add_subparsers(dest="command", required=True)

    create = commands.add_parser("create", help="mint a key; prints its secret once")
    create.add_argument("--name", required=True, help="who or what the key is for")
    create.add_argument("--scopes", required=True, help=f"comma-separated, of {','.join(API_KEY_SCOPES)}")

    revoke = commands.add_parser("revoke", help="revoke a key by its key_id")
    revoke.add_argument("key_id")

    commands.add_parser("list", help="list keys (never their secrets)")
    attempts = groups.add_parser("attempts", help="recorded attempts")
    attempt_commands = attempts.add_subparsers(dest="command", required=True)
    attempt_commands.add_parser("backfill-index", help="index the attempts recorded before the violations report's "
                                                       "index existed (one scan of the table; idempotent)")
    _client_parsers(groups)
    return parser


def _use_local_stack() -> None:
    try:
        from infra.local_stack import set_env  # the local stack's settings, written once, there
    except ImportError:
        raise SystemExit("--local needs the repository's infra package: run the registry installed from "
                         "a checkout (`make run` or `make venv` installs it into .venv)") from None
    set_env(cli=True)


def _cause(error: BaseException) -> str | None:
    """What actually went wrong under a storage failure, in words an operator can act on."""
    from botocore.exceptions import ClientError, EndpointConnectionError, NoCredentialsError, NoRegionError

    endpoint = os.environ.get("AWS_ENDPOINT_URL_DYNAMODB") or os.environ.get("AWS_ENDPOINT_URL")
    table = os.environ.get("REGISTRY_TABLE", "registry")
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, NoCredentialsError):
            return ("no AWS credentials were found: set AWS_PROFILE (or AWS_ACCESS_KEY_ID and "
                    "AWS_SECRET_ACCESS_KEY) for AWS, or add --local to use the local stack of `make run`")
        if isinstance(seen, NoRegionError):
            return "no AWS region is set: set AWS_REGION (or AWS_DEFAULT_REGION)"
        if isinstance(seen, EndpointConnectionError):
            where = endpoint or "DynamoDB's endpoint"
            return (f"nothing answers at {where}: is the local stack (`make run`) or DynamoDB Local running, "
                    "and is AWS_ENDPOINT_URL_DYNAMODB (or MOTO_PORT with --local) right?")
        if isinstance(seen, ClientError):
            code = seen.response.get("Error", {}).get("Code", "")
            if code == "ResourceNotFoundException":
                where = f" at {endpoint}" if endpoint else ""
                return f"there is no table {table!r}{where}: set REGISTRY_TABLE to the stack's TableName output"
            if code in ("UnrecognizedClientException", "InvalidSignatureException", "ExpiredTokenException",
                        "AccessDeniedException"):
                return f"AWS refused the credentials ({code}): {seen.response['Error'].get('Message', '')}".strip()
        seen = seen.__cause__ or seen.__context__ or getattr(seen, "cause", None)
    return None


def main(argv: Sequence[str] | None = None, out: TextIO | None = None, err: TextIO | None = None) -> int:
    out = out or sys.stdout
    err = err or sys.stderr
    args = _parser().parse_args(argv)
    if args.group in ("scrub", "lists"):
        missing = [name for name in CLIENT_NEEDS if importlib.util.find_spec(name) is None]
        if missing:  # e.g. after `make run`, which installs the `local` extra only
            print(f"registry {args.group}: needs {' and '.join(missing)} (the `cli` extra): "
                  "pip install -e '.[cli]' in a checkout, or pip install 'contact-registry[cli]'", file=err)
            return 2
        from .client.commands import run_client  # httpx, tqdm: the `cli` extra, only for these commands

        return run_client(args, out, err)
    if args.local:
        _use_local_stack()
    # The registry reads its settings when first asked, so --local (above) is in time for them.
    from .domain.errors import RegistryError, RegistryUnavailable
    from .services import api_keys

    try:
        if args.command == "create":
            raw, principal = api_keys.create_key(args.name, args.scopes.split(","))
            result: object = {"key": raw, "key_id": principal.key_id, "name": principal.name,
                              "scopes": sorted(principal.scopes)}
            print("Store this key now: it is not stored and cannot be shown again.", file=err)
        elif args.command == "revoke":
            result = api_keys.revoke_key(args.key_id).as_dict()
        elif args.command == "backfill-index":
            from .services import violations

            result = {"indexed": violations.backfill_index()}
        else:
            result = [info.as_dict() for info in api_keys.list_keys()]
    except RegistryError as error:
        body = {"error": {"code": error.code, "message": error.message}}
        if error.field:
            body["error"]["field"] = error.field
        cause = _cause(error) if isinstance(error, RegistryUnavailable) else None
        if cause:
            body["error"]["cause"] = cause
        print(json.dumps(body), file=err)
        return 1
    try:
        print(json.dumps(result, indent=2), file=out)
        out.flush()
    except BrokenPipeError:  # `registry keys list | head`: the reader has all it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0


if __name__ == "__main__":
    sys.exit(main())
