"""Every test gets its own data directory; none touches the real home."""

from pathlib import Path

import pytest

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"


@pytest.fixture(autouse=True)
def llmpath_home(tmp_path, monkeypatch):
    home = tmp_path / "home"
    monkeypatch.setenv("LLMPATH_HOME", str(home))
    monkeypatch.delenv("LLMPATH_ROADMAP", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "80")
    return home


@pytest.fixture
def seeds():
    if not SEEDS.is_dir():
        pytest.skip(f"source roadmaps not found at {SEEDS} (the ../shared/seeds folder beside the repository)")
    return SEEDS
