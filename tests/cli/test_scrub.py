"""`registry scrub`: a CSV through the batch lookup of the local server (uvicorn over the suite's
table, as `make run` serves it), and through stub servers that throttle, fail or answer late."""
from __future__ import annotations

import csv
import io
import random
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from registry.cli import main
from tests.api.conftest import new_phone
from tests.api.helpers import consent, noon_la_after_now, opt_out, preferences

pytestmark = pytest.mark.dynamodb

ADDED = ["decision", "reasons", "next_allowed_at"]


def registry(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)
    return path


def read_csv(path: Path) -> list[list[str]]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.reader(f))


def test_every_column_and_row_kept_in_order_and_decisions_match_single_lookups(server, api, tmp_path):
    at = noon_la_after_now(1)  # 12:00 in Los Angeles: inside calling hours
    allowed, opted_out, snoozed = new_phone(), new_phone(), new_phone()
    for phone in (allowed, snoozed):
        consent(api, phone)  # call + marketing, web_form, before `at`
    opt_out(api, opted_out)
    snooze_end = (datetime.fromisoformat(at) + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    preferences(api, snoozed, snooze_until=snooze_end)

    header = ["id", "First Name", "phone", "notes"]
    rows = [[str(i), f"Lead {i}", new_phone(), "plain"] for i in range(2_345)]  # three batches, the last partial
    specials = {5: allowed, 1_000: opted_out, 1_999: snoozed}
    for index, phone in specials.items():
        rows[index][2] = phone
    rows[7] = ["7", "Zoë, \"quoted\"", "", "line one\nline two"]  # empty phone; a comma, quotes, a newline
    rows[8][2] = "not a phone"
    rows[9][2] = "someone@example.com"  # an email for a call: channel_address_mismatch
    rows[10] = ["10", "short row"]  # no phone cell at all
    rows[11][2] = " (415) 555-0134 "  # a local spelling, with spaces around it
    source = write_csv(tmp_path / "leads.csv", [header, *rows])

    code, _, err = registry("scrub", str(source), "--column", "phone", "--channel", "call", "--purpose", "marketing",
                            "-o", str(tmp_path / "out.csv"), "--url", server, "--key", api.dialer, "--at", at)
    assert code == 0, err
    out = read_csv(tmp_path / "out.csv")
    assert out[0] == header + ADDED
    assert len(out) == len(rows) + 1
    for given, got in zip(rows, out[1:], strict=True):  # every input cell, in input order
        assert got[:len(given)] == given
        assert len(got) == len(header) + len(ADDED)
    by_id = {row[0]: dict(zip(out[0], row, strict=True)) for row in out[1:]}

    assert by_id["5"]["decision"] == "allow" and by_id["5"]["reasons"] == ""
    assert by_id["1000"]["decision"] == "deny" and "opted_out" in by_id["1000"]["reasons"].split(";")
    assert by_id["1999"]["decision"] == "defer" and by_id["1999"]["reasons"] == "snoozed"
    assert by_id["1999"]["next_allowed_at"] == snooze_end
    assert by_id["7"]["decision"] == "deny" and by_id["7"]["reasons"] == "invalid_address"
    assert by_id["8"]["decision"] == "deny" and by_id["8"]["reasons"] == "invalid_address"
    assert by_id["9"]["decision"] == "deny" and by_id["9"]["reasons"] == "channel_address_mismatch"
    assert by_id["10"]["decision"] == "deny" and by_id["10"]["reasons"] == "invalid_address"
    assert by_id["11"]["decision"] == "deny" and by_id["11"]["reasons"] == "no_consent"

    # The same question asked one address at a time answers the same.
    for index in [5, 1_000, 1_999, 11, *range(0, len(rows), 97)]:
        row = rows[index]
        single = api.permission(row[2].strip(), "call", "marketing", at=at).json()
        got = by_id[row[0]]
        assert got["decision"] == single["decision"], row
        assert got["reasons"] == ";".join(r["code"] for r in single["reasons"])
        assert got["next_allowed_at"] == (single["next_allowed_at"] or "")

    summary = err.strip().splitlines()[-1]
    assert f"{len(rows):,} rows" in summary and "allow 1," in summary and "defer 1;" in summary
    assert "4 rows with errors (channel_address_mismatch 1, invalid_address 3)" in summary
    assert api.dialer not in err


def test_local_takes_the_local_stacks_dialer_key_and_port(server, api, tmp_path, monkeypatch):
    """`--local`: http://127.0.0.1:$PORT and the contract's `local-dialer` key, with nothing else given."""
    from registry.services import api_keys

    api_keys.ensure_key("local-dialer", "local-dialer", {"lookup"})
    monkeypatch.setenv("PORT", server.rsplit(":", 1)[1])
    monkeypatch.setenv("REGISTRY_URL", "http://127.0.0.1:9")  # --local wins over the environment
    monkeypatch.setenv("REGISTRY_LOCAL_STACK_FILE", "")
    source = write_csv(tmp_path / "leads.csv", [["phone"], [new_phone()], [new_phone()]])
    code, _, err = registry("--local", "scrub", str(source), "--column", "phone", "--channel", "sms",
                            "--purpose", "informational", "-o", str(tmp_path / "out.csv"))
    assert code == 0, err
    assert [row[1] for row in read_csv(tmp_path / "out.csv")[1:]] == ["deny", "deny"]  # sms needs consent

    # REGISTRY_URL naming a loopback address (as infra.with_stack sets it) and no key: the local stack's.
    monkeypatch.setenv("REGISTRY_URL", server)
    monkeypatch.delenv("REGISTRY_API_KEY", raising=False)
    code, _, err = registry("scrub", str(source), "--column", "phone", "--channel", "sms", "--purpose", "informational",
                            "-o", str(tmp_path / "out2.csv"))
    assert code == 0, err
    assert read_csv(tmp_path / "out2.csv") == read_csv(tmp_path / "out.csv")


def _decision_for(address: str) -> str:
    """What the stub answers: the last digit says, so a row can be checked against its own address."""
    return ("allow", "deny", "defer")[int(address[-1]) % 3]


def _answers(body: dict) -> dict:
    return {"results": [{"address": a, "decision": _decision_for(a), "reasons": [] if _decision_for(a) == "allow"
                         else [{"code": "no_consent" if _decision_for(a) == "deny" else "quiet_hours"}],
                         "next_allowed_at": "2030-01-01T16:00:00Z" if _decision_for(a) == "defer" else None}
                        for a in body["addresses"]]}


def test_rows_stay_in_order_when_batches_finish_out_of_order_and_few_are_in_flight(stub, tmp_path):
    from registry.client.http import Registry
    from registry.client.scrub import Ask, run
    from registry.client.target import Target

    in_flight, most = [0], [0]
    lock = threading.Lock()

    def script(method, path, headers, body, n):
        with lock:
            in_flight[0] += 1
            most[0] = max(most[0], in_flight[0])
        time.sleep(random.uniform(0, 0.03))  # batches answer in a scrambled order
        with lock:
            in_flight[0] -= 1
        assert path == "/v1/permissions/batch" and body["channel"] == "call" and body["brand"] == "acme"
        return 200, {}, _answers(body)

    url, seen = stub(script)
    phones = [f"+1415555{i:04d}" for i in range(1_000)]
    source = write_csv(tmp_path / "leads.csv", [["n", "phone"], *([str(i), p] for i, p in enumerate(phones))])
    with Registry(Target(url, "k", local=False)) as client:
        summary = run(str(source), str(tmp_path / "out.csv"), client, "phone", Ask("call", "marketing", "acme"),
                      concurrency=4, show_progress=False, err=io.StringIO(), batch_size=50)
    out = read_csv(tmp_path / "out.csv")
    assert [row[0] for row in out[1:]] == [str(i) for i in range(1_000)]
    assert all(row[2] == _decision_for(row[1]) for row in out[1:])
    assert len(seen.requests) == 20 and most[0] <= 4  # a bounded pool: never more than 4 batches asked at once
    assert summary.rows == 1_000 and sum(summary.decisions.values()) == 1_000


def test_429_and_503_are_retried_after_a_pause_honouring_retry_after(stub, tmp_path, pauses):
    def script(method, path, headers, body, n):
        if n == 1:
            return 429, {"retry-after": "7"}, {"error": {"code": "too_many_requests", "message": "slow down"}}
        if n == 2:
            return 503, {}, {"error": {"code": "registry_unavailable", "message": "try again"}}
        return 200, {}, _answers(body)

    url, seen = stub(script)
    source = write_csv(tmp_path / "leads.csv", [["phone"], ["+14155550100"], ["+14155550101"]])
    code, _, err = registry("scrub", str(source), "--column", "phone", "--channel", "call", "--purpose", "marketing",
                            "-o", str(tmp_path / "out.csv"), "--url", url, "--key", "secret-key-1")
    assert code == 0, err
    assert len(seen.requests) == 3 and len(pauses) == 2
    assert pauses[0] >= 7  # Retry-After: 7 is waited at least
    assert [row[1] for row in read_csv(tmp_path / "out.csv")[1:]] == ["allow", "deny"]
    assert "2 retried requests" in err
    assert all(headers["x-api-key"] == "secret-key-1" for _, _, headers, _ in seen.requests)
    assert "secret-key-1" not in err


def test_a_refused_request_stops_at_once_with_a_clear_message_and_no_output(stub, tmp_path, pauses):
    url, seen = stub(lambda *a: (401, {}, {"error": {"code": "unauthorized", "message": "unknown API key"}}))
    source = write_csv(tmp_path / "leads.csv", [["phone"], ["+14155550100"]])
    code, _, err = registry("scrub", str(source), "--column", "phone", "--channel", "call", "--purpose", "marketing",
                            "-o", str(tmp_path / "out.csv"), "--url", url, "--key", "wrong-key-2")
    assert code == 1
    assert "401 unauthorized: unknown API key" in err and "REGISTRY_API_KEY" in err
    assert "no output written" in err and "wrong-key-2" not in err
    assert len(seen.requests) == 1 and pauses == []  # a refusal is not tried again
    assert list(tmp_path.iterdir()) == [source]  # no output, nor a partial file left behind


def test_a_registry_that_stays_unavailable_stops_the_run_after_the_retries(stub, tmp_path, pauses):
    url, seen = stub(lambda *a: (503, {}, {"error": {"code": "registry_unavailable", "message": "down"}}))
    rows = [["phone"], *([f"+1415555{i:04d}"] for i in range(2_500))]
    source = write_csv(tmp_path / "leads.csv", rows)
    code, _, err = registry("scrub", str(source), "--column", "phone", "--channel", "call", "--purpose", "marketing",
                            "-o", str(tmp_path / "out.csv"), "--url", url, "--key", "k")
    assert code == 1
    assert "stopped after 0 rows" in err and "failed 8 times" in err and "503 registry_unavailable" in err
    assert list(tmp_path.iterdir()) == [source]


def test_nothing_listening_is_retried_then_named(tmp_path, pauses):
    from infra.net import free_port

    url = f"http://127.0.0.1:{free_port()}"
    source = write_csv(tmp_path / "leads.csv", [["phone"], ["+14155550100"]])
    code, _, err = registry("scrub", str(source), "--column", "phone", "--channel", "call", "--purpose", "marketing",
                            "-o", str(tmp_path / "out.csv"), "--url", url, "--key", "k")
    assert code == 1
    assert url in err and "ConnectError" in err and "failed 8 times" in err
    assert len(pauses) == 7  # a connection error is tried again like a 503


@pytest.mark.parametrize("problem, argv, message", [
    ("no such column", ["--column", "mobile"], "no column 'mobile' in the header ('name', 'phone')"),
    ("no such file", ["--column", "phone", "--file", "missing.csv"], "no such file"),
])
def test_unusable_input_is_named_and_exits_2(problem, argv, message, tmp_path, stub):
    url, seen = stub(lambda *a: (500, {}, None))
    source = write_csv(tmp_path / "leads.csv", [["name", "phone"], ["a", "+14155550100"]])
    if "--file" in argv:
        source = tmp_path / argv.pop()
        argv.pop()
    code, _, err = registry("scrub", str(source), *argv, "--channel", "call", "--purpose", "marketing",
                            "-o", str(tmp_path / "out.csv"), "--url", url, "--key", "k")
    assert code == 2 and message in err, err
    assert seen.requests == [] and not (tmp_path / "out.csv").exists()


def test_a_cell_longer_than_any_address_is_not_sent(stub, tmp_path):
    url, seen = stub(lambda m, p, h, body, n: (200, {}, _answers(body)))
    source = write_csv(tmp_path / "leads.csv", [["phone"], ["1" * 5_000], ["+14155550100"]])
    code, _, err = registry("scrub", str(source), "--column", "phone", "--channel", "call", "--purpose", "marketing",
                            "-o", str(tmp_path / "out.csv"), "--url", url, "--key", "k")
    assert code == 0, err
    assert [row[1:3] for row in read_csv(tmp_path / "out.csv")[1:]] == [["deny", "invalid_address"], ["allow", ""]]
    assert [body["addresses"] for *_, body in seen.requests] == [["+14155550100"]]


def test_a_file_the_csv_reader_refuses_midway_is_named_and_leaves_no_output(stub, tmp_path):
    url, seen = stub(lambda m, p, h, body, n: (200, {}, _answers(body)))
    rows = [["phone"], *([f"+1415555{i:04d}"] for i in range(1_500)), ["x" * 200_000]]  # over csv's field limit
    source = write_csv(tmp_path / "leads.csv", rows)
    code, _, err = registry("scrub", str(source), "--column", "phone", "--channel", "call", "--purpose", "marketing",
                            "-o", str(tmp_path / "out.csv"), "--url", url, "--key", "k")
    assert code == 2 and "is not a CSV the command can read: field larger than field limit" in err
    assert "Traceback" not in err and list(tmp_path.iterdir()) == [source]


def test_a_deployed_url_without_a_key_is_refused_before_anything_is_read(tmp_path, monkeypatch):
    monkeypatch.delenv("REGISTRY_API_KEY", raising=False)
    code, _, err = registry("scrub", str(tmp_path / "x.csv"), "--column", "phone", "--channel", "call",
                            "--purpose", "marketing", "-o", str(tmp_path / "out.csv"), "--url", "https://example.test")
    assert code == 2 and "no API key" in err


def test_columns_the_input_already_has_are_filled_in_place(stub, tmp_path):
    """A file scrubbed before keeps one set of added columns: the new answers replace the old."""
    url, _ = stub(lambda m, p, h, body, n: (200, {}, _answers(body)))
    source = write_csv(tmp_path / "leads.csv", [["phone", "decision", "note"], ["+14155550100", "deny", "x"]])
    code, _, err = registry("scrub", str(source), "--column", "phone", "--channel", "call", "--purpose", "marketing",
                            "-o", str(tmp_path / "out.csv"), "--url", url, "--key", "k")
    assert code == 0, err
    assert read_csv(tmp_path / "out.csv") == [["phone", "decision", "note", "reasons", "next_allowed_at"],
                                              ["+14155550100", "allow", "x", "", ""]]


def test_the_progress_bar_and_summary_go_to_stderr(stub, tmp_path):
    url, _ = stub(lambda m, p, h, body, n: (200, {}, _answers(body)))
    source = write_csv(tmp_path / "leads.csv", [["phone"], *([f"+1415555{i:04d}"] for i in range(30))])
    code, out, err = registry("scrub", str(source), "--column", "phone", "--channel", "call", "--purpose", "marketing",
                              "-o", str(tmp_path / "out.csv"), "--url", url, "--key", "k")
    assert code == 0 and out == ""
    assert "scrub: 100%" in err and "30/30" in err
    assert "30 rows in" in err and "allow 12, deny 9, defer 9; 0 rows with errors" in err


def test_the_console_command_runs_as_its_own_process(stub, tmp_path):
    """`python -m registry.cli scrub` (what the `registry` script runs), the key from REGISTRY_API_KEY."""
    import os
    import subprocess
    import sys

    url, seen = stub(lambda m, p, h, body, n: (200, {}, _answers(body)))
    source = write_csv(tmp_path / "leads.csv", [["phone"], ["+14155550100"], ["+14155550102"]])
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": f"{root / 'functions'}:{root}", "REGISTRY_URL": url,
           "REGISTRY_API_KEY": "env-key-4"}
    result = subprocess.run([sys.executable, "-m", "registry.cli", "scrub", str(source), "--column", "phone",
                             "--channel", "call", "--purpose", "marketing", "-o", "-"],
                            cwd=root, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert list(csv.reader(io.StringIO(result.stdout))) == [["phone", *ADDED], ["+14155550100", "allow", "", ""],
                                                            ["+14155550102", "defer", "quiet_hours",
                                                             "2030-01-01T16:00:00Z"]]
    assert seen.requests[0][2]["x-api-key"] == "env-key-4" and "env-key-4" not in result.stderr
    assert "2 rows in" in result.stderr


def test_without_the_cli_extra_the_command_says_what_to_install(monkeypatch, tmp_path):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "tqdm" else real(name, *a))
    code, _, err = registry("scrub", str(tmp_path / "x.csv"), "--column", "phone", "--channel", "call",
                            "--purpose", "marketing", "-o", str(tmp_path / "out.csv"))
    assert code == 2 and "needs tqdm (the `cli` extra)" in err and "pip install" in err
