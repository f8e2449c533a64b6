"""`make test` runs on a fresh machine: without Debian's libharfbuzz-subset0, WeasyPrint warns
at import (a DeprecationWarning), which the suite's `filterwarnings = error` must not turn
into an error before any test runs."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WITHOUT_SUBSET = """
import cffi, sys
real = cffi.FFI.dlopen
def dlopen(self, name, *args, **kwargs):
    if "subset" in str(name):
        raise OSError("no " + str(name))
    return real(self, name, *args, **kwargs)
cffi.FFI.dlopen = dlopen
import pytest
sys.exit(pytest.main(["-q", "-p", "no:cacheprovider", "-p", "no:xdist", "-c", sys.argv[1],
                      "--rootdir", sys.argv[2], sys.argv[3]]))
"""


def test_a_module_importing_weasyprint_runs_without_harfbuzz_subset(tmp_path):
    test_file = tmp_path / "test_imports_weasyprint.py"
    test_file.write_text(
        "import weasyprint\n\n\ndef test_pdf_library_loads():\n    assert weasyprint.HTML\n"
    )
    result = subprocess.run(  # noqa: S603 - this interpreter with a fixed script
        [
            sys.executable,
            "-c",
            WITHOUT_SUBSET,
            str(ROOT / "pyproject.toml"),
            str(ROOT),
            str(test_file),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert "1 passed" in result.stdout
