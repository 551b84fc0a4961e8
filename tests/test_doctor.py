"""`llmpath doctor`: what it checks and reports on a healthy store, before anything exists and with a
broken roadmap, and that it changes nothing. (Its findings on damaged stores are tested with the
damage, in test_store_errors.py and test_files.py.)"""


def test_doctor_on_a_healthy_store(cli):
    cli("done", "math-foundations")
    out = " ".join(cli("doctor").stdout.split())  # findings wrap to the terminal
    for expected in (
        "passes SQLite's integrity check",
        "schema is current",
        "matches the roadmap file",
        "read model is current",
        "is writable",
    ):
        assert expected in out
    assert "BAD" not in out


def test_doctor_before_anything_exists(cli):
    out = " ".join(cli("doctor").stdout.split())
    assert "created on the first command" in out


def test_doctor_changes_nothing(cli, llmpath_home):
    cli("done", "math-foundations")
    before = {p.name: p.read_bytes() for p in llmpath_home.iterdir() if p.is_file()}
    cli("doctor")
    after = {p.name: p.read_bytes() for p in llmpath_home.iterdir() if p.is_file() and p.name in before}
    assert after == before


def test_doctor_leaves_no_file_behind(cli, llmpath_home):
    cli("done", "math-foundations")
    before = sorted(p.name for p in llmpath_home.iterdir())
    cli("doctor")
    assert sorted(p.name for p in llmpath_home.iterdir()) == before


def test_doctor_reports_a_broken_roadmap(cli, tmp_path, monkeypatch):
    (tmp_path / "r.yaml").write_text("version: 1\ntracks: [")
    monkeypatch.setenv("LLMPATH_ROADMAP", str(tmp_path / "r.yaml"))
    out = cli("doctor", code=1).stdout
    assert "BAD  roadmap: r.yaml: line" in out  # the start of a line: never wrapped
