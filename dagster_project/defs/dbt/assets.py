"""Every dbt model as a Dagster asset; every dbt data test as an asset check."""

import dagster as dg
from dagster_dbt import DbtCliResource, dbt_assets

from dagster_project import progress
from dagster_project.defs.dbt.project import dbt_project, translator


def dbt_build_args(full_refresh: bool = False, vars: dict | None = None) -> list[str]:
    """The `dbt build` command line for one run (pure, unit-tested)."""
    import json

    args = ["build"]
    if vars:
        args += ["--vars", json.dumps(vars, sort_keys=True)]
    if full_refresh:
        args.append("--full-refresh")
    return args


@dbt_assets(manifest=dbt_project().manifest_path, project=dbt_project(), dagster_dbt_translator=translator)
def warehouse_models(context: dg.AssetExecutionContext, dbt: DbtCliResource):
    # raise_on_error=False: a failing data test must surface as a failed asset check (and a
    # non-zero CLI exit), not as a crashed step that hides which tests failed.
    invocation = dbt.cli(dbt_build_args(), context=context, raise_on_error=False)
    for event in invocation.stream():
        if isinstance(event, dg.Output):
            progress.emit("model", name=event.output_name)
        elif isinstance(event, dg.AssetCheckResult):
            progress.emit("check", key=event.asset_key.to_user_string(), name=event.check_name, passed=event.passed)
        yield event
    if not invocation.is_successful():
        # Every check result is already reported above; failing the step keeps `publish` from
        # swapping in a warehouse with a broken or untrusted model.
        raise dg.Failure(
            description="dbt build failed (a model error or a failed error-severity test); the warehouse was not published",
            allow_retries=False,
        )
