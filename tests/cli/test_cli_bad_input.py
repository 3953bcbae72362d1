"""Bad input on the command line: one clear line, exit code ≠ 0, no traceback, no partial store."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from pathlib import Path

import pytest

from caseload.cli import main

GOOD = "a perfectly fine passphrase"


def run(
    *args: str, env: dict[str, str] | None = None, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if k not in ("CASELOAD_PASSPHRASE", "CASELOAD_STORE")}
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "caseload", *args],
        capture_output=True,
        text=True,
        env=full_env,
        input=stdin,
        timeout=120,
    )


def assert_clean_failure(proc: subprocess.CompletedProcess[str], needle: str) -> None:
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr and "Traceback" not in proc.stdout
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, proc.stderr
    assert needle in lines[0], lines[0]


def test_help_lists_every_command() -> None:
    proc = run("--help")
    assert proc.returncode == 0
    for command in ("init", "demo", "check", "due", "import", "--store", "--passphrase-file"):
        assert command in proc.stdout


def test_init_then_check(tmp_path: Path) -> None:
    store = tmp_path / "s"
    proc = run("--store", str(store), "--user", "A. Worker", "init", env={"CASELOAD_PASSPHRASE": GOOD})
    assert proc.returncode == 0, proc.stderr
    proc = run("--store", str(store), "check", "--json", env={"CASELOAD_PASSPHRASE": GOOD})
    assert proc.returncode == 0, proc.stderr
    assert '"ok": true' in proc.stdout


def test_store_env_variable_is_used(tmp_path: Path) -> None:
    store = tmp_path / "env-store"
    proc = run("--user", "A. Worker", "init", env={"CASELOAD_PASSPHRASE": GOOD, "CASELOAD_STORE": str(store)})
    assert proc.returncode == 0, proc.stderr
    assert (store / "keys.json").exists()


@pytest.mark.parametrize(
    ("passphrase", "needle"),
    [("", "empty"), ("x" * 1000, "longer than 512")],
)
def test_bad_passphrase_on_init(tmp_path: Path, passphrase: str, needle: str) -> None:
    store = tmp_path / "s"
    proc = run("--store", str(store), "--user", "A", "init", env={"CASELOAD_PASSPHRASE": passphrase})
    assert_clean_failure(proc, needle)
    assert not store.exists() or not any(store.iterdir())


def test_non_utf8_passphrase_file(tmp_path: Path) -> None:
    pf = tmp_path / "pass"
    pf.write_bytes(b"caf\xe9 passphrase here\n")
    store = tmp_path / "s"
    proc = run("--store", str(store), "--passphrase-file", str(pf), "--user", "A", "init")
    assert_clean_failure(proc, "not valid UTF-8")
    assert not store.exists()


def test_missing_store_dir(tmp_path: Path) -> None:
    proc = run("--store", str(tmp_path / "nope"), "check", env={"CASELOAD_PASSPHRASE": GOOD})
    assert_clean_failure(proc, "No store in")
    assert not (tmp_path / "nope").exists()


def test_wrong_passphrase_cli(tmp_path: Path) -> None:
    store = tmp_path / "s"
    assert (
        run("--store", str(store), "--user", "A", "init", env={"CASELOAD_PASSPHRASE": GOOD}).returncode == 0
    )
    proc = run("--store", str(store), "check", env={"CASELOAD_PASSPHRASE": GOOD + "!"})
    assert_clean_failure(proc, "Wrong passphrase")


def test_store_parent_is_a_file(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    proc = run("--store", str(blocker / "s"), "--user", "A", "init", env={"CASELOAD_PASSPHRASE": GOOD})
    assert_clean_failure(proc, "Cannot create the store folder")


def test_no_passphrase_without_terminal(tmp_path: Path) -> None:
    proc = run("--store", str(tmp_path / "s"), "--user", "A", "init", stdin="")
    assert_clean_failure(proc, "No passphrase")


def test_unwritable_store_dir_simulated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    real_open = os.open
    store = tmp_path / "s"

    def refusing_open(path: object, flags: int, mode: int = 0o777, **kw: object) -> int:
        if str(path).startswith(str(store)) and flags & os.O_CREAT:
            raise OSError(errno.EROFS, "Read-only file system")
        return real_open(path, flags, mode)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", refusing_open)
    monkeypatch.setenv("CASELOAD_PASSPHRASE", GOOD)
    code = main(["--store", str(store), "--user", "A", "init"])
    captured = capsys.readouterr()
    assert code == 2
    assert "Read-only file system" in captured.err
    assert "Traceback" not in captured.err
    assert not any(store.iterdir())


@pytest.fixture
def readonly_mount(tmp_path: Path):  # type: ignore[no-untyped-def]
    mnt = tmp_path / "ro"
    mnt.mkdir()
    proc = subprocess.run(["mount", "-t", "tmpfs", "-o", "ro", "tmpfs", str(mnt)], capture_output=True)
    if proc.returncode != 0:
        pytest.skip("cannot mount a read-only filesystem here (needs root)")
    yield mnt
    subprocess.run(["umount", str(mnt)], check=False)


def test_store_on_readonly_filesystem(readonly_mount: Path) -> None:
    proc = run("--store", str(readonly_mount / "s"), "--user", "A", "init", env={"CASELOAD_PASSPHRASE": GOOD})
    assert_clean_failure(proc, "Read-only file system")
