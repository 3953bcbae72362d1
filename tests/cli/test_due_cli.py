"""``caseload due``: JSON validated against its schema; worker filter; unknown worker."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import jsonschema
import pytest

from caseload.cli import main
from caseload.demo import DEMO_PASSPHRASE, build_demo
from caseload.domain.due import DUE_JSON_SCHEMA
from tests.conftest import FLOOR


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("due") / "store"
    build_demo(d, 60, 5, date(2026, 12, 2), kdf=FLOOR)
    return d


def _due(store: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str, str]:
    code = main(["--store", str(store), "due", "--as-of", "2026-12-02", *extra])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_due_json_matches_schema(
    demo_store: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CASELOAD_PASSPHRASE", DEMO_PASSPHRASE)
    code, out, _ = _due(demo_store, capsys, "--json")
    assert code == 0
    items = json.loads(out)
    jsonschema.validate(items, DUE_JSON_SCHEMA)
    assert items, "the demo caseload should have due work"
    priorities = [i["priority"] for i in items]
    assert priorities == sorted(priorities, reverse=True)


def test_due_for_one_worker(
    demo_store: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CASELOAD_PASSPHRASE", DEMO_PASSPHRASE)
    _, everyone, _ = _due(demo_store, capsys, "--json")
    code, mine, _ = _due(demo_store, capsys, "--json", "--worker", "a. worker")
    assert code == 0
    all_items, my_items = json.loads(everyone), json.loads(mine)
    assert 0 < len(my_items) <= len(all_items)
    assert len({i["worker_id"] for i in my_items}) == 1


def test_due_unknown_worker(
    demo_store: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CASELOAD_PASSPHRASE", DEMO_PASSPHRASE)
    code, _, err = _due(demo_store, capsys, "--worker", "Nobody")
    assert code == 2 and "No worker called" in err


def test_due_table(
    demo_store: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CASELOAD_PASSPHRASE", DEMO_PASSPHRASE)
    code, out, _ = _due(demo_store, capsys)
    assert code == 0 and "Due on Wed 02 Dec 2026" in out
