"""docs/OP_COVERAGE.md is generated from the registry; it must not go stale."""
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def test_op_coverage_table_is_current():
    try:
        from interpreter import ops_c
        ops_c.require()
    except Exception as e:  # the table's C column needs the built C backend
        pytest.skip(f"C backend not built ({e}); the table's C column cannot be checked")
    r = subprocess.run([sys.executable, str(REPO / "tools" / "op_coverage.py"), "--check"],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
