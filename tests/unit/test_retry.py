"""One retry policy: capped exponential backoff with full jitter, used by every loop, documented once."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from registry import retry
from registry.retry import Backoff

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "functions" / "registry"


@pytest.fixture
def pauses(monkeypatch) -> list[float]:
    taken: list[float] = []
    monkeypatch.setattr(retry, "sleep", taken.append)
    return taken


def test_a_pause_before_every_retry_and_none_before_the_first_try(pauses):
    policy = Backoff(tries=5, base=0.01, cap=0.05)
    assert list(policy.attempts()) == [0, 1, 2, 3, 4]
    assert len(pauses) == 4
    bounds = [0.01, 0.02, 0.04, 0.05]  # base * 2**(n-1), capped
    assert all(0 <= pause <= bound for pause, bound in zip(pauses, bounds, strict=True))


def test_leaving_the_loop_takes_no_more_pauses(pauses):
    for attempt in Backoff(tries=10, base=0.01, cap=1).attempts():
        if attempt == 2:
            break
    assert len(pauses) == 2


def test_the_jitter_is_full_and_the_cap_holds():
    policy = Backoff(tries=30, base=0.01, cap=0.64)
    draws = [policy.pause_before(20) for _ in range(2000)]
    assert max(draws) <= 0.64
    assert min(draws) < 0.05 and max(draws) > 0.55  # spread over [0, cap], not around it


def test_the_jitter_shares_no_state_an_environment_restored_from_a_snapshot_would_share():
    """Two environments restored from one SnapStart snapshot hold the same `random` state: were the jitter
    drawn from it, they would pause in step. Drawn from the OS per pause, it differs though the state is equal."""
    import random

    policy = Backoff(tries=30, base=0.01, cap=0.64)
    random.seed(11)
    first = [policy.pause_before(5) for _ in range(20)]
    random.seed(11)
    second = [policy.pause_before(5) for _ in range(20)]
    assert first != second


def test_the_policies_cost_what_the_docs_say():
    assert retry.CONFLICTS.longest_wait == pytest.approx(12.15)
    assert retry.UNPROCESSED.longest_wait == pytest.approx(0.62)
    assert retry.ENTRIES.longest_wait == pytest.approx(0.05)


def test_docs_storage_md_states_the_policies_as_the_code_has_them():
    """The table in docs/storage.md, "Timeouts and retries", is the documentation of the policies:
    it must say what retry.py does (it once said 10 tries where the code did 25)."""
    text = (ROOT / "docs" / "storage.md").read_text()
    rows = re.findall(r"^\| `(\w+)` \|[^|]*\| (\d+) \| (\d+) ms \| (\d+) ms \|", text, re.MULTILINE)
    documented = {name: (int(tries), int(base) / 1000, int(cap) / 1000) for name, tries, base, cap in rows}
    in_code = {name: (policy.tries, policy.base, policy.cap) for name, policy in vars(retry).items()
               if isinstance(policy, Backoff)}
    assert documented == in_code


def _calls(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
                found.add(f"{func.value.id}.{func.attr}")
            elif isinstance(func, ast.Name):
                found.add(func.id)
    return found


def test_no_loop_of_the_registry_sleeps_on_its_own():
    """Every pause goes through retry.py: no module sleeps or draws a jitter by itself."""
    own = {"time.sleep", "random.uniform", "random.random", "sleep", "uniform"}
    offenders = {str(p.relative_to(PACKAGE)): sorted(_calls(p) & own) for p in PACKAGE.rglob("*.py")
                 if p.name != "retry.py" and _calls(p) & own}
    assert offenders == {}


def test_pynamodb_batch_helpers_are_not_used():
    """PynamoDB's batch_get retries unprocessed keys without end or pause, its batch_write without a
    pause: the registry's batches go through storage.operations and the policy."""
    used = {str(p.relative_to(PACKAGE)): sorted(c for c in _calls(p) if c.endswith((".batch_get", ".batch_write")))
            for p in (PACKAGE / "storage").rglob("*.py")}
    assert {k: v for k, v in used.items() if v} == {}
