"""What a built warehouse depends on besides the landed rows: sites.yml and the model code.

Most dbt models are incremental (they rebuild only the rows a run's snapshots touch), so a
change of either one must rebuild them all (`dbt --full-refresh`): sites.yml decides which rows
belong to which site, and new model code (an upgrade, a fixed rule) must reach every old row too.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from dagster_project import settings
from dagster_project.config import Config

# what decides the models' rows; dbt tests and docs-only files do not
MODEL_CODE = ("dbt_project.yml", "models", "macros", "seeds")


# fingerprint per (project, every file's name, size and mtime), for this process: a refresh asks
# up to three times (plan, dbt step, publish) and reads the files once
_MEMO: dict[tuple, str] = {}


def model_code_fingerprint(project_dir: Path = settings.DBT_PROJECT_DIR) -> str:
    """sha256 over the dbt project's model code: every file's relative path and bytes."""
    files = []
    for entry in MODEL_CODE:
        root = project_dir / entry
        files += sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else [root]
    stats = [(p, p.stat()) for p in files]
    key = (str(project_dir), *((str(p), s.st_size, s.st_mtime_ns) for p, s in stats))
    if key not in _MEMO:
        digest = hashlib.sha256()
        for path in files:
            digest.update(path.relative_to(project_dir).as_posix().encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
        _MEMO[key] = digest.hexdigest()
    return _MEMO[key]


def warehouse_fingerprint(config: Config, project_dir: Path = settings.DBT_PROJECT_DIR) -> str:
    """The fingerprint a publish records (audit.refreshes.config_fingerprint) and the next refresh
    compares: equal means "same config, same model code"."""
    return hashlib.sha256(f"{config.fingerprint()}|{model_code_fingerprint(project_dir)}".encode()).hexdigest()
