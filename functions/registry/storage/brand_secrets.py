"""A brand's Twilio auth token: a secret, kept as an SSM SecureString, never in the table.

One parameter per brand, ``<prefix>/<hash of the brand>/twilio-auth-token`` (a brand may hold
characters a parameter name cannot; the hash is not secret, only a spelling). The prefix comes
from the settings (``REGISTRY_BRAND_SECRETS_PREFIX``; the template's ``BrandSecretsPrefix``, which
the function's role may write under and nothing more). SecureStrings are encrypted with the AWS
managed key ``aws/ssm``. The client is made when first used, so a test or the local stack has its
emulator running by then.
"""
from __future__ import annotations

import hashlib

from ..settings import derived
from .aws_clients import aws_client
from .errors import dynamodb

TOKEN_NAME = "twilio-auth-token"


_client = derived(lambda settings: aws_client(settings, "ssm"))
_prefix = derived(lambda settings: settings.brand_secrets_prefix.rstrip("/"))


def parameter_name(brand: str) -> str:
    digest = hashlib.sha256(brand.encode()).hexdigest()[:40]
    return f"{_prefix()}/{digest}/{TOKEN_NAME}"


def put_twilio_token(brand: str, token: str) -> None:
    with dynamodb("store a brand's secret"):
        _client().put_parameter(Name=parameter_name(brand), Value=token, Type="SecureString", Overwrite=True,
                                Description="Twilio auth token of a brand of the contact registry")


def delete_twilio_token(brand: str) -> None:
    client = _client()
    with dynamodb("delete a brand's secret"):
        try:
            client.delete_parameter(Name=parameter_name(brand))
        except client.exceptions.ParameterNotFound:
            pass


def get_twilio_token(brand: str) -> str | None:
    """The token (decrypted), or None when the brand has none (for the Twilio webhook)."""
    client = _client()
    with dynamodb("read a brand's secret"):
        try:
            value = client.get_parameter(Name=parameter_name(brand), WithDecryption=True)["Parameter"]["Value"]
        except client.exceptions.ParameterNotFound:
            return None
    return str(value)
