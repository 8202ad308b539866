"""In-process progress events: assets announce what they do; the CLI (if any) renders them.

Assets also log every event through Dagster, so `dagster dev` shows the same story. No subscriber,
no cost. The events:

- "file" (landing): one per landed file, its audit row (file_name, status, rows_read, …);
- "dbt_node" (the dbt build): one when dbt starts a node (phase "start") and one when it is done
  (phase "done", with its status); every one carries dbt's own count of the build's nodes
  (`total`: models, seeds, snapshots and data tests of this selection) — see `dbt_node_event`;
- "model" / "check": a dbt model's output / a dbt test's asset-check result, as Dagster sees it;
- "dbt_finished" (success), "published" (path), "busy" (message).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

Listener = Callable[[str, dict], None]
_listeners: list[Listener] = []


def subscribe(listener: Listener) -> Callable[[], None]:
    _listeners.append(listener)
    return lambda: _listeners.remove(listener)


def emit(event: str, **data) -> None:
    for listener in list(_listeners):
        listener(event, data)


# dbt's structured log (`DBT_LOG_FORMAT=json`, which dagster-dbt sets): the event that starts a
# node, and the events that report a node's result. Each carries the node's index and the number
# of nodes in the invocation (LogTestResult calls it num_models).
_DBT_START = "LogStartLine"
# LogNodeNoOpResult: an exposure (a documented consumer) is a node of the build that runs nothing
_DBT_RESULTS = {
    "LogModelResult",
    "LogSeedResult",
    "LogSnapshotResult",
    "LogTestResult",
    "SkippingDetails",
    "LogNodeNoOpResult",
}


def dbt_node_event(raw: Mapping[str, Any]) -> dict | None:
    """A dbt structured-log event → the "dbt_node" progress event it means, or None.

    {"phase": "start" | "done", "name": "marts.fct_backlinks" (a test: its name), "kind": "model",
    "index": 3, "total": 140, "status": "success" | "pass" | "fail" | "error" | "skipped" | …}"""
    name = raw.get("info", {}).get("name")
    if name != _DBT_START and name not in _DBT_RESULTS:
        return None
    data = raw.get("data", {})
    node = data.get("node_info") or {}
    unique_id = node.get("unique_id") or ""
    if unique_id.startswith("unit_test."):  # excluded from a refresh's build; never counted
        return None
    total = data.get("total") or data.get("num_models")
    if not isinstance(total, int):
        return None
    kind = node.get("resource_type") or data.get("resource_type") or unique_id.split(".", 1)[0]
    schema = (node.get("node_relation") or {}).get("schema") or data.get("schema")
    node_name = node.get("node_name") or data.get("node_name") or unique_id
    label = f"{schema}.{node_name}" if schema and kind in ("model", "seed", "snapshot") else node_name
    if name == _DBT_START:
        return {
            "phase": "start",
            "name": label,
            "kind": kind,
            "index": data.get("index"),
            "total": total,
            "status": None,
        }
    if name == "SkippingDetails":
        status = "skipped"
    elif name == "LogNodeNoOpResult":
        status = "no-op"
    else:
        status = str(data.get("status") or node.get("node_status") or "").lower()
    return {"phase": "done", "name": label, "kind": kind, "index": data.get("index"), "total": total, "status": status}
