"""Secrets the registry keys things with: a value from the environment (local stack, tests) or,
in AWS, an SSM SecureString read once per container through Powertools Parameters."""
from __future__ import annotations


def read_secret(value: str | None, parameter_name: str | None, env_names: str) -> bytes:
    if value:
        return value.encode()
    if parameter_name:
        from aws_lambda_powertools.utilities import parameters

        return str(parameters.get_parameter(parameter_name, decrypt=True, max_age=3600)).encode()
    raise RuntimeError(f"set {env_names}")
