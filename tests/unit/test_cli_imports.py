"""The command line starts fast: heavy modules are imported by the commands that use them."""

from __future__ import annotations

import subprocess
import sys

from caseload import cli_export
from caseload.export import writers


def test_export_formats_listed_once_in_words() -> None:
    assert cli_export.FORMATS == writers.FORMATS


def test_due_does_not_import_export_or_the_tui() -> None:
    code = (
        "import sys, caseload.cli, caseload.cli_due; "
        "print(sorted(m for m in sys.modules if m.startswith(('caseload.export', 'textual', 'openpyxl', "
        "'rich.progress', 'caseload.store.admin'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
