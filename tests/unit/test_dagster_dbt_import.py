"""dagster-dbt is imported without dbt-core in the process that runs a refresh (defs/dbt/__init__.py):
dbt runs in processes of its own, and importing dbt-core here only delayed every refresh."""

import subprocess
import sys

from tests.conftest import ROOT

PROBE = """
import sys
import dagster_project.defs.dbt.project as project
from dagster_dbt.core.dbt_cli_event import NodeStatus, TestStatus
print("dbt-core imported:", "dbt.adapters" in sys.modules)
print("statuses:", NodeStatus.Success == "success", TestStatus.Fail == "fail", str(NodeStatus.NoOp))
version = project.DbtCli(project_dir=project.dbt_project(), dbt_executable=project.dbt_executable())._cli_version
import dbt.version  # importable again afterwards, for any code of the process that wants it
print("dbt.version:", dbt.version.__version__ == str(version))
"""


def test_dagster_dbt_loads_without_dbt_core_and_dbt_stays_importable():
    proc = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert "dbt-core imported: False" in lines
    # dagster-dbt's stand-in statuses compare (and print) like dbt's: how it reads dbt's events
    assert "statuses: True True no-op" in lines
    assert "dbt.version: True" in lines
