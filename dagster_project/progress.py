"""In-process progress events: assets announce what they do; the CLI (if any) renders them.

Assets also log every event through Dagster, so `dagster dev` shows the same story. No subscriber,
no cost.
"""

from __future__ import annotations

from collections.abc import Callable

Listener = Callable[[str, dict], None]
_listeners: list[Listener] = []


def subscribe(listener: Listener) -> Callable[[], None]:
    _listeners.append(listener)
    return lambda: _listeners.remove(listener)


def emit(event: str, **data) -> None:
    for listener in list(_listeners):
        listener(event, data)
