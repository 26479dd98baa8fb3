"""Read template.yaml: the one description of the stack that AWS, the local stack and tests share."""
from __future__ import annotations

import copy
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE_PATH = ROOT / "template.yaml"


class _CfnLoader(yaml.SafeLoader):
    """Safe loader that turns CloudFormation short tags (!Ref, !Sub, ...) into their long form."""


def _intrinsic(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
        if suffix == "GetAtt":
            value = value.split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    return {"Ref" if suffix == "Ref" else f"Fn::{suffix}": value}


_CfnLoader.add_multi_constructor("!", _intrinsic)


def load_template(path: str | Path = TEMPLATE_PATH) -> dict[str, Any]:
    """The template as plain dicts and lists (a copy: callers may change it)."""
    return copy.deepcopy(_load(str(Path(path).resolve())))


@lru_cache(maxsize=4)
def _load(path: str) -> dict[str, Any]:
    with open(path, encoding="utf-8") as handle:
        return yaml.load(handle, Loader=_CfnLoader)  # noqa: S506 - a SafeLoader subclass


def resource(logical_id: str, template: dict[str, Any] | None = None) -> dict[str, Any]:
    """One resource's definition, failing loudly if the template lacks it."""
    resources = (template or load_template())["Resources"]
    if logical_id not in resources:
        raise KeyError(f"template.yaml has no resource {logical_id!r}")
    return resources[logical_id]
