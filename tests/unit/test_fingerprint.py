"""The warehouse fingerprint: sites.yml and the model code, so an upgrade or a config change
rebuilds every incremental model, while docs-free test edits do not."""

import shutil
from pathlib import Path

from dagster_project.config import load_config
from dagster_project.fingerprint import model_code_fingerprint, warehouse_fingerprint

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_CONFIG = ROOT / "data" / "sites.yml"


def _project_copy(tmp_path: Path) -> Path:
    project = tmp_path / "dbt"
    for entry in ("models", "macros", "seeds", "tests"):
        shutil.copytree(ROOT / "dbt" / entry, project / entry)
    shutil.copy(ROOT / "dbt" / "dbt_project.yml", project / "dbt_project.yml")
    return project


def test_model_code_changes_the_fingerprint_and_tests_do_not(tmp_path):
    project = _project_copy(tmp_path)
    before = model_code_fingerprint(project)
    assert model_code_fingerprint(project) == before  # stable

    (project / "tests" / "singular" / "assert_new.sql").write_text("select 1 where false\n")
    assert model_code_fingerprint(project) == before  # a data test does not change any row

    model = project / "models" / "marts" / "links" / "fct_backlinks.sql"
    model.write_text(model.read_text() + "\n-- a fix\n")
    after_model = model_code_fingerprint(project)
    assert after_model != before

    seed = project / "seeds" / "generic_anchors.csv"
    seed.write_text(seed.read_text() + "mehr erfahren,de\n")
    assert model_code_fingerprint(project) != after_model


def test_config_changes_the_warehouse_fingerprint(tmp_path):
    project = _project_copy(tmp_path)
    config = load_config(SAMPLE_CONFIG)
    other = config.model_copy(update={"keywords": [*config.keywords, "paring knife"]})
    assert warehouse_fingerprint(config, project) == warehouse_fingerprint(config, project)
    assert warehouse_fingerprint(other, project) != warehouse_fingerprint(config, project)
