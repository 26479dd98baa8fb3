"""Admin command line: ``python -m registry.cli keys create|revoke|list``.

It reads the same environment as the functions (``REGISTRY_TABLE``, ``AWS_REGION``,
``AWS_ENDPOINT_URL_DYNAMODB``), so it works against AWS and the local stack alike. Output is
JSON on stdout; errors are JSON on stderr with exit status 1. A created key's secret is printed
once, at creation, and cannot be recovered afterwards.
"""
from __future__ import annotations

import argparse
import json
import sys
from typing import Sequence, TextIO

from .domain.errors import RegistryError
from .services import api_keys


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m registry.cli", description="Registry administration")
    groups = parser.add_subparsers(dest="group", required=True)
    keys = groups.add_parser("keys", help="manage API keys")
    commands = keys.add_subparsers(dest="command", required=True)

    create = commands.add_parser("create", help="mint a key; prints its secret once")
    create.add_argument("--name", required=True, help="who or what the key is for")
    create.add_argument("--scopes", required=True,
                        help=f"comma-separated, of {','.join(sorted(api_keys.SCOPES))}")

    revoke = commands.add_parser("revoke", help="revoke a key by its key_id")
    revoke.add_argument("key_id")

    commands.add_parser("list", help="list keys (never their secrets)")
    return parser


def main(argv: Sequence[str] | None = None, out: TextIO | None = None, err: TextIO | None = None) -> int:
    out = out or sys.stdout
    err = err or sys.stderr
    args = _parser().parse_args(argv)
    try:
        if args.command == "create":
            raw, principal = api_keys.create_key(args.name, args.scopes.split(","))
            result: object = {"key": raw, "key_id": principal.key_id, "name": principal.name,
                              "scopes": sorted(principal.scopes)}
            print("Store this key now: it is not stored and cannot be shown again.", file=err)
        elif args.command == "revoke":
            result = api_keys.revoke_key(args.key_id).as_dict()
        else:
            result = [info.as_dict() for info in api_keys.list_keys()]
    except RegistryError as error:
        body = {"error": {"code": error.code, "message": error.message}}
        if error.field:
            body["error"]["field"] = error.field
        print(json.dumps(body), file=err)
        return 1
    print(json.dumps(result, indent=2), file=out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
