"""`python -m dagster_project.cli …` is `backlinks …`."""

from dagster_project.cli import main

main()
