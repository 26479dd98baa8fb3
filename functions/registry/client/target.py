"""Which registry a client command talks to: its base URL and API key, and (for list imports) the
import bucket and the S3 endpoint.

In order: the command's options (``--url``, ``--key``, ``--bucket``), then the environment
(``REGISTRY_URL``, ``REGISTRY_API_KEY``, ``REGISTRY_IMPORT_BUCKET``), then the local stack of
``make run`` (with ``--local``, when no URL is given anywhere, or when the URL is a loopback
address and no key is given), as the contract's Local stack section describes it: the API at
http://127.0.0.1:$PORT (3000), its fixed keys (``local-dialer`` for lookups, ``local-admin`` for
writes), the emulator at http://127.0.0.1:$MOTO_PORT (5050) holding the bucket ``registry-imports``.
The key is never printed, nor put in any message.
"""
from __future__ import annotations

import os
import urllib.parse
from dataclasses import dataclass

DEFAULT_LOCAL_PORT = 3000
DEFAULT_LOCAL_MOTO_PORT = 5050
LOCAL_BUCKET = "registry-imports"
# The contract's two fixed keys of the local stack (infra.local_stack.LOCAL_KEYS seeds them).
LOCAL_LOOKUP_KEY = "local-dialer"
LOCAL_WRITE_KEY = "local-admin"
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


class TargetError(Exception):
    """The command cannot tell which registry to talk to, or with which key."""


@dataclass(frozen=True)
class Target:
    url: str  # no trailing slash
    key: str
    local: bool
    s3_endpoint: str | None = None  # None: AWS's own
    bucket: str | None = None

    def __repr__(self) -> str:  # never the key
        return f"Target(url={self.url!r}, local={self.local}, bucket={self.bucket!r})"


def _local_url() -> str:
    try:  # a running `make run` says where it serves (infra is there in a checkout, not in a wheel)
        from infra.local_stack import running_stack
    except ImportError:
        running = None
    else:
        running = None if os.environ.get("PORT") else running_stack()
    if running and running.get("url"):
        return str(running["url"])
    return f"http://127.0.0.1:{os.environ.get('PORT') or DEFAULT_LOCAL_PORT}"


def resolve(url: str | None, key: str | None, local: bool, write: bool = False,
            bucket: str | None = None) -> Target:
    """``write``: the command needs the ``write`` scope (the local stack's admin key), not ``lookup``."""
    url = url or (None if local else os.environ.get("REGISTRY_URL"))
    key = key or (None if local else os.environ.get("REGISTRY_API_KEY"))
    if url is None:
        local = True
    elif not key and urllib.parse.urlsplit(url).hostname in LOOPBACK:
        local = True  # e.g. REGISTRY_URL from `python -m infra.with_stack`: a local stack, with its keys
    if local:
        moto = f"http://127.0.0.1:{os.environ.get('MOTO_PORT') or DEFAULT_LOCAL_MOTO_PORT}"
        return Target(url=(url or _local_url()).rstrip("/"), key=key or (LOCAL_WRITE_KEY if write else LOCAL_LOOKUP_KEY),
                      local=True, s3_endpoint=moto, bucket=bucket or LOCAL_BUCKET)
    if not key:
        raise TargetError("no API key: pass --key or set REGISTRY_API_KEY (for the local stack use --local)")
    assert url is not None
    return Target(url=url.rstrip("/"), key=key, local=False, s3_endpoint=os.environ.get("AWS_ENDPOINT_URL_S3"),
                  bucket=bucket or os.environ.get("REGISTRY_IMPORT_BUCKET"))
