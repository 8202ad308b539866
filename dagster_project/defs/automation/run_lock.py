"""The refresh lock (dagster_project/refresh_lock.py) in Dagster runs.

- `locking(executor)`: the executor every job of the code location runs with, wrapped so that the
  run's orchestrating process (the run worker `dagster dev` and the daemon launch) holds the lock
  for the run's whole duration, every step included, whichever executor runs the steps (in this
  process or, multiprocess, in child processes that pass because the lock file names their run).
  When another refresh holds the lock, the run starts without it and its first step fails.
- `check_landing`: what the first step (landed_exports) checks before touching the build copy.
- `execute_in_process` (the CLI, tests) replaces the job's executor: there the caller holds the lock
  (the CLI does, re-entrantly) or nobody does.
"""

from __future__ import annotations

import contextlib

import dagster as dg

from dagster_project import refresh_lock, settings

_LOCKING_EXECUTORS: set[str] = set()  # names of the executor definitions made by `locking`


class _LockingExecutor(dg.Executor):
    def __init__(self, inner: dg.Executor):
        self._inner = inner

    @property
    def retries(self):
        return self._inner.retries

    @property
    def step_dependency_config(self):
        return self._inner.step_dependency_config

    def execute(self, plan_context, execution_plan):
        warehouse = _run_warehouse(plan_context.run_config)
        run_id = plan_context.run_id
        with contextlib.ExitStack() as stack:
            try:
                stack.enter_context(refresh_lock.hold(warehouse, command=f"Dagster run {run_id[:8]}", run_id=run_id))
                plan_context.log.info(f"holding the refresh lock of {warehouse} for this run")
            except refresh_lock.Busy:
                pass  # the landing step reports it (a step failure reads better than a run crash)
            yield from self._inner.execute(plan_context, execution_plan)


def _run_warehouse(run_config) -> str:
    """The run's warehouse: the Launchpad's override of the resource, else the resource's default,
    which the code location built from the same variables (defs/resources.py)."""
    try:
        configured = run_config["resources"]["warehouse"]["config"]["warehouse"]
    except (KeyError, TypeError):
        configured = None
    return str(configured or settings.resolve().warehouse)


def locking(executor_def: dg.ExecutorDefinition) -> dg.ExecutorDefinition:
    """`executor_def` whose runs hold the warehouse's refresh lock; same name and config schema."""
    _LOCKING_EXECUTORS.add(executor_def.name)
    inner_create = executor_def.executor_creation_fn
    assert inner_create is not None
    return dg.ExecutorDefinition(
        name=executor_def.name,
        config_schema=executor_def.config_schema,
        requirements=executor_def.get_requirements,
        executor_creation_fn=lambda init_context: _LockingExecutor(inner_create(init_context)),
        description=" ".join(
            filter(None, [executor_def.description, "Holds the warehouse's refresh lock for the run."])
        ),
    )


def busy_reason(warehouse) -> str | None:
    """Why a sensor or schedule must not request a run now: another refresh holds the lock (the
    run would only fail at its first step). None when the lock is free."""
    other = refresh_lock.holder(warehouse)
    return None if other is None else refresh_lock.busy_message(warehouse, other) + "; not requesting a run"


def check_landing(context: dg.AssetExecutionContext, warehouse) -> None:
    """Fail the landing step, before it touches the build copy, when another refresh holds the
    lock (the CLI, another run), or held it when this run started (its executor could not take it)."""
    other = refresh_lock.holder(warehouse, run_id=context.run_id)
    if other is not None:
        raise dg.Failure(description=refresh_lock.busy_message(warehouse, other), allow_retries=False)
    if (
        context.job_def.executor_def.name in _LOCKING_EXECUTORS
        and not refresh_lock.held_here(warehouse)
        and refresh_lock.holder(warehouse) is None  # free now: did this run's executor take it?
    ):
        last = refresh_lock.last_holder(warehouse)
        if last is not None and last.run_id != context.run_id:
            # no: another refresh held it when the run started, and finished meanwhile
            raise dg.Failure(
                description=refresh_lock.busy_message(warehouse, last).replace(
                    " is running", " was running when this run started"
                )
                + "; launch the run again",
                allow_retries=False,
            )
