"""The registry's public base URL: what a person or a provider was given, from configuration only.

Never from the request's ``Host`` or forwarding headers (a client sets those):
``REGISTRY_PUBLIC_BASE_URL`` (the custom domain, with the API mapping's base path if there is
one); without it, in AWS, the API's own default endpoint, named by the API id API Gateway puts in
the request context (a client cannot set it) and the domain the template configures
(``REGISTRY_API_DOMAIN``). Neither: ``RegistryUnavailable`` (503).

Used for preference links (built) and for Twilio's signature (checked: the URL Twilio requested).
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ..domain.errors import RegistryUnavailable
from ..settings import get_settings

_API_ID = re.compile(r"^[a-z0-9]{1,32}$")


def base_url(request_context: Mapping[str, Any] | None, what: str) -> str:
    """The base URL, without a trailing slash; ``what`` names the feature in the 503's message."""
    settings = get_settings()
    if settings.public_base_url:
        return settings.public_base_url
    api_id = str((request_context or {}).get("apiId") or "")
    if settings.api_domain and _API_ID.match(api_id):
        return f"https://{api_id}.{settings.api_domain}"
    raise RegistryUnavailable(f"{what} not configured (REGISTRY_PUBLIC_BASE_URL)")
