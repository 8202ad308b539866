"""Bad usage and bad configuration: exit 2, a clear message, no traceback, nothing written."""

from tests.conftest import SAMPLE_CONFIG, run_cli


def test_unknown_config_key_is_exit_2_naming_the_key(tmp_path):
    config = tmp_path / "sites.yml"
    config.write_text("site: {domain: knifecraft.co.uk}\ncompetitor: [bladeworks.com]\n")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    warehouse = tmp_path / "w.duckdb"
    proc = run_cli("refresh", "--config", str(config), "--inbox", str(inbox), "--warehouse", str(warehouse))
    assert proc.returncode == 2
    assert "unknown key 'competitor'" in proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout
    assert not warehouse.exists()


def test_a_url_as_the_site_is_exit_2_saying_which_domain_was_meant(tmp_path):
    config = tmp_path / "sites.yml"
    config.write_text("site:\n  domain: https://www.knifecraft.co.uk/\n  brand: [KnifeCraft]\n")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    warehouse = tmp_path / "w.duckdb"
    proc = run_cli("refresh", "--config", str(config), "--inbox", str(inbox), "--warehouse", str(warehouse))
    assert proc.returncode == 2
    assert proc.stderr == (
        f"error: {config}: key 'site.domain': 'https://www.knifecraft.co.uk/' is a URL, not a domain: "
        "write knifecraft.co.uk\n"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["inbox", "sites.yml"]  # nothing written


def test_missing_inbox_is_exit_2(tmp_path):
    proc = run_cli(
        "refresh",
        "--config",
        str(SAMPLE_CONFIG),
        "--inbox",
        str(tmp_path / "nope"),
        "--warehouse",
        str(tmp_path / "w.duckdb"),
    )
    assert proc.returncode == 2
    assert "inbox folder not found" in proc.stderr


def test_env_vars_are_used_and_flags_win(tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text("site: {}\n")
    env = {"BACKLINKS_CONFIG": str(bad), "BACKLINKS_INBOX": str(tmp_path)}
    proc = run_cli("refresh", "--warehouse", str(tmp_path / "w.duckdb"), env=env)
    assert proc.returncode == 2 and "bad.yml" in proc.stderr and "site.domain" in proc.stderr
    # the flag overrides the variable: now the flag's file is the one reported
    other = tmp_path / "other.yml"
    other.write_text("site: {domain: x.com}\nextra: 1\n")
    proc = run_cli("refresh", "--config", str(other), "--warehouse", str(tmp_path / "w.duckdb"), env=env)
    assert proc.returncode == 2 and "other.yml" in proc.stderr and "unknown key 'extra'" in proc.stderr


def test_unknown_option_is_exit_2():
    proc = run_cli("refresh", "--colour", "red")
    assert proc.returncode == 2
    assert "No such option" in proc.stderr


def test_empty_inbox_into_a_new_warehouse_is_exit_2_naming_the_inbox(tmp_path):
    inbox = tmp_path / "inbox"
    (inbox / "semrush").mkdir(parents=True)
    (inbox / ".DS_Store").write_bytes(b"\0\0\0\1Bud1")  # hidden: not an export
    warehouse = tmp_path / "w.duckdb"
    proc = run_cli("refresh", "--config", str(SAMPLE_CONFIG), "--inbox", str(inbox), "--warehouse", str(warehouse))
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert f"the inbox {inbox} holds no exports" in proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout
    assert not warehouse.exists()  # no empty warehouse built
