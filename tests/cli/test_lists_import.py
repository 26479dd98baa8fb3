"""`registry lists import`: the file into the import bucket (moto's S3), the import started with
`POST /v1/suppression-lists/{name}/imports` and followed at `GET .../imports/{id}` until done.

The two endpoints are played here by a stub server built to the contract's words and to the answer
the `list-importer` branch gives (``ListImport``: a 64-hex id, ``rejected`` a count beside
``rejected_lines``, ``reason`` when failed; the registry's own routes are built on that branch): it
reads the uploaded object back from the bucket, so the test sees that what was started is what was
put there."""
from __future__ import annotations

import io
import json
import os
import urllib.parse

import boto3
import pytest

from registry.cli import main

BUCKET = "registry-imports"
LINES = ["4155550100", "415,5550101", "+14155550102", "bad line", "2125550199"]
IMPORT_ID = "9f2c" + "0" * 60


def registry(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def s3(aws_endpoint):
    client = boto3.client("s3", endpoint_url=aws_endpoint, region_name="us-east-1")
    try:
        client.create_bucket(Bucket=BUCKET)
    except client.exceptions.BucketAlreadyOwnedByYou:
        pass
    return client


def importer(s3, queued_reads: int = 1, final: str = "done"):
    """A stub of the two import endpoints: POST answers an id; GET answers 404 while the import is
    queued, then `running` halfway, then ``final`` with the counts of the object it was given."""
    state: dict = {}

    def script(method, path, headers, body, n):
        if method == "POST":
            assert path == "/v1/suppression-lists/national/imports"
            lines = s3.get_object(Bucket=body["bucket"], Key=body["key"])["Body"].read().decode().splitlines()
            state.update(body=body, key=headers["x-api-key"], lines=lines, gets=0)
            return 202, {}, record("running", 0, 0, [])
        assert path == f"/v1/suppression-lists/national/imports/{IMPORT_ID}"
        state["gets"] += 1
        if state["gets"] <= queued_reads:
            return 404, {}, {"error": {"code": "not_found", "message": "no such import"}}
        lines = state["lines"]
        bad = [i + 1 for i, line in enumerate(lines) if not line.replace(",", "").lstrip("+").isdigit()]
        if state["gets"] == queued_reads + 1:
            return 200, {}, record("running", 2, 2, [])
        return 200, {}, record(final, len(lines), len(lines) - len(bad), bad)

    def record(status, lines, added, bad):
        body = state.get("body") or {}
        answer = {"id": IMPORT_ID, "list": "national", "mode": body.get("mode"), "bucket": body.get("bucket"),
                  "key": body.get("key"), "version": body.get("version", "2026-12-03"), "status": status,
                  "phase": "parse", "lines": lines, "added": added, "removed": 0, "rejected": len(bad),
                  "rejected_lines": bad, "bytes_read": 0, "size": 0, "created_at": "2026-12-03T04:00:00Z",
                  "updated_at": "2026-12-03T04:00:01Z"}
        if status == "failed":
            answer["reason"] = "the object changed while it was read"
        return answer

    return script, state


def test_a_full_file_is_put_under_imports_full_started_and_followed_to_done(s3, stub, pauses, tmp_path, monkeypatch):
    monkeypatch.setattr("registry.client.list_import.time.sleep", pauses.append)
    script, state = importer(s3)
    url, seen = stub(script)
    path = tmp_path / "dnc-2026-12.txt"
    path.write_text("\n".join(LINES) + "\n")
    code, out, err = registry("lists", "import", str(path), "--list", "national", "--version", "2026-12-01",
                              "--url", url, "--key", "admin-key-3", "--bucket", BUCKET, "--interval", "0.5")
    assert code == 0, err
    key = "imports/national/full/2026-12-01/dnc-2026-12.txt"
    assert s3.get_object(Bucket=BUCKET, Key=key)["Body"].read() == path.read_bytes()
    assert state["body"] == {"bucket": BUCKET, "key": key, "mode": "full", "version": "2026-12-01"}
    assert state["key"] == "admin-key-3" and "admin-key-3" not in err + out
    record = json.loads(out)
    assert record["status"] == "done" and record["lines"] == 5 and record["added"] == 4
    assert record["rejected"] == 1 and record["rejected_lines"] == [4]
    assert [m for m, *_ in seen.requests] == ["POST", "GET", "GET", "GET"]  # queued (404), running, done
    assert "put 5 lines in s3://registry-imports/" + key in err
    assert "import done: 5 lines, 4 added, 0 removed, 1 rejected (first bad lines: 4)" in err
    assert "import: 100%" in err and "5/5" in err and "status=done" in err  # the progress bar, on stderr


def test_a_change_file_goes_under_changes_with_the_local_stacks_bucket_and_admin_key(s3, stub, tmp_path, monkeypatch,
                                                                                    aws_endpoint):
    """--local: the emulator at 127.0.0.1:$MOTO_PORT, bucket registry-imports, key local-admin."""
    monkeypatch.setattr("registry.client.list_import.time.sleep", lambda s: None)
    script, state = importer(s3, queued_reads=0)
    url, _ = stub(script)
    monkeypatch.setenv("MOTO_PORT", str(urllib.parse.urlsplit(aws_endpoint).port))
    path = tmp_path / "changes.txt"
    path.write_text("4155550100,2026-12-02,A\n4155550101,2026-12-02,D")  # no newline at the end
    code, out, err = registry("--local", "lists", "import", str(path), "--list", "national", "--changes",
                              "--url", url, "-q")
    assert code == 0, err
    assert state["key"] == "local-admin"
    assert state["body"] == {"bucket": BUCKET, "key": "imports/national/changes/changes.txt", "mode": "changes"}
    assert "put 2 lines" in err and "%|" not in err  # -q: no progress bar


def test_a_failed_import_exits_1_with_its_record(s3, stub, tmp_path, monkeypatch):
    monkeypatch.setattr("registry.client.list_import.time.sleep", lambda s: None)
    script, _ = importer(s3, queued_reads=0, final="failed")
    url, _ = stub(script)
    path = tmp_path / "dnc.txt"
    path.write_text("4155550100\n")
    code, out, err = registry("lists", "import", str(path), "--list", "national", "--url", url, "--key", "k",
                              "--bucket", BUCKET, "-q")
    assert code == 1 and json.loads(out)["status"] == "failed"
    assert "import failed: 1 lines" in err and "the object changed while it was read" in err


def test_an_unknown_list_is_the_registrys_404_named(s3, stub, tmp_path, pauses):
    url, _ = stub(lambda *a: (404, {}, {"error": {"code": "not_found", "message": "no suppression list named nope"}}))
    path = tmp_path / "dnc.txt"
    path.write_text("4155550100\n")
    code, _, err = registry("lists", "import", str(path), "--list", "nope", "--url", url, "--key", "k",
                            "--bucket", BUCKET, "-q")
    assert code == 1 and "404 not_found: no suppression list named nope" in err


def test_an_import_that_never_appears_is_given_up_after_a_while(s3, stub, tmp_path, monkeypatch):
    from registry.client import list_import
    from registry.client.http import Registry
    from registry.client.target import Target

    class Clock:
        now = 0.0

        def monotonic(self):
            return self.now

        def sleep(self, seconds):
            self.now += seconds

    url, seen = stub(lambda m, *a: (404, {}, {"error": {"code": "not_found", "message": "no such import"}}))
    with Registry(Target(url, "k", local=False)) as client, pytest.raises(list_import.RequestFailed, match="404"):
        list_import.follow(client, "national", IMPORT_ID, 1, interval=10, show_progress=False, clock=Clock())
    assert len(seen.requests) == list_import.QUEUED_PATIENCE / 10 + 2  # patience spent, then given up


@pytest.mark.parametrize("argv, message", [
    (["--list", "no/slash"], "list name 'no/slash'"),
    (["--list", "national", "--version", "2026-13-01"], "version '2026-13-01': a date, YYYY-MM-DD"),
    (["--list", "national", "--version", "20261201"], "version '20261201': a date, YYYY-MM-DD"),
])
def test_bad_options_are_refused_before_anything_is_uploaded(argv, message, tmp_path):
    path = tmp_path / "dnc.txt"
    path.write_text("4155550100\n")
    code, _, err = registry("lists", "import", str(path), *argv, "--url", "http://127.0.0.1:9", "--key", "k",
                            "--bucket", BUCKET)
    assert code == 2 and message in err


def test_a_deployed_registry_needs_its_bucket_named(tmp_path, monkeypatch):
    monkeypatch.delenv("REGISTRY_IMPORT_BUCKET", raising=False)
    path = tmp_path / "dnc.txt"
    path.write_text("4155550100\n")
    code, _, err = registry("lists", "import", str(path), "--list", "national", "--url", "http://127.0.0.1:9",
                            "--key", "k", "-q")
    assert code == 1 and "no import bucket" in err and "REGISTRY_IMPORT_BUCKET" in err
    assert os.environ.get("REGISTRY_IMPORT_BUCKET") is None
