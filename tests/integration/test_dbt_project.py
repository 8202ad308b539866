"""The dbt project on its hand-made fixture warehouse: every model, data test, contract and unit
test (the maths of every mart, pinned on hand-computed cases) must pass."""

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT
from tests.fixtures.dbt_fixture import seed_minimal_warehouse


def test_dbt_build_with_unit_tests_is_green(tmp_path):
    warehouse = seed_minimal_warehouse(tmp_path / "fixture.duckdb")
    dbt = Path(sys.executable).parent / "dbt"
    env = {**os.environ, "BACKLINKS_BUILD_PATH": str(warehouse)}
    proc = subprocess.run(
        [str(dbt), "build", "--profiles-dir", ".", "--project-dir", ".",
         "--target-path", str(tmp_path / "target"), "--log-path", str(tmp_path / "logs")],
        cwd=ROOT / "dbt", env=env, capture_output=True, text=True, timeout=900,
    )
    summary = [line for line in proc.stdout.splitlines() if "Done. PASS=" in line]
    assert proc.returncode == 0, proc.stdout[-5000:]
    assert summary and "ERROR=0" in summary[-1]
    # the unit tests ran (a refresh excludes them; this is where they are enforced)
    assert "unit_test" in proc.stdout or "unit test" in proc.stdout
