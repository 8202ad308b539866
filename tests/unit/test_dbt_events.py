"""The dbt process started ahead skips the debug events no logger of it keeps
(dagster_project/dbt_server.fire_only_logged_debug_events), with dbt's own event manager and
loggers. In a child process: the patch is process-wide, and other tests run dbt in this one."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

# Fires one debug event (a SQL statement) and one info event (a note) through dbt's event
# manager with a JSON logger per level given, and prints what each logger wrote, how many event
# messages dbt made and how many log lines the loggers made (a line below a logger's level is
# made, then dropped by Python's logging).
SCRIPT = """
import io, json, sys
from dbt_common.events import event_manager, logger
from dbt_common.events.base_types import EventLevel
from dbt_common.events.logger import LineFormat, LoggerConfig
from dbt_common.events.types import Note
from dbt.adapters.events.types import SQLQuery
from dagster_project import dbt_server

if sys.argv[1] == "patched":
    dbt_server.fire_only_logged_debug_events()
made = []
real = event_manager.msg_from_base_event
event_manager.msg_from_base_event = lambda *a, **k: made.append(1) or real(*a, **k)
lines_made = []
create_line = logger._JsonLogger.create_line
logger._JsonLogger.create_line = lambda self, msg: lines_made.append(1) or create_line(self, msg)
manager = event_manager.EventManager()
streams = {}
for level in sys.argv[2:]:
    streams[level] = io.StringIO()
    manager.add_logger(LoggerConfig(name="log_" + level, line_format=LineFormat.Json, level=EventLevel(level), output_stream=streams[level]))
manager.fire_event(SQLQuery(conn_name="model.x", sql="select 1", node_info={}))
manager.fire_event(Note(msg="a note"))
print(json.dumps({"made": len(made), "lines_made": len(lines_made), "lines": {level: [json.loads(l)["info"]["name"] for l in s.getvalue().splitlines()] for level, s in streams.items()}}))
"""


def fire(mode: str, *levels: str) -> dict:
    out = subprocess.run([sys.executable, "-c", SCRIPT, mode, *levels], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


@pytest.mark.parametrize("levels", [("info",), ("info", "debug"), ("debug",), ("warn", "info")])
def test_every_logger_writes_the_same_lines_as_with_dbt_alone(levels):
    assert fire("patched", *levels)["lines"] == fire("stock", *levels)["lines"]


def test_a_debug_event_no_logger_keeps_is_not_made():
    stock, patched = fire("stock", "info", "warn"), fire("patched", "info", "warn")
    assert stock["lines"] == patched["lines"] == {"info": ["Note"], "warn": []}
    assert (stock["made"], patched["made"]) == (2, 1)


def test_a_logger_at_debug_still_gets_the_debug_events():
    stock, patched = fire("stock", "info", "debug"), fire("patched", "info", "debug")
    assert patched["lines"] == {"info": ["Note"], "debug": ["SQLQuery", "Note"]}
    assert patched["made"] == 2
    # the logger at info no longer makes the debug line it drops
    assert (stock["lines_made"], patched["lines_made"]) == (4, 3)
