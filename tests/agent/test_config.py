"""Settings: arguments over GEODESIC_* environment variables over a TOML file over defaults."""

import pytest
from pydantic import ValidationError

from agent.config import Settings


def test_defaults_are_the_embedded_ones(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    s = Settings()
    assert s.planner == "transformers" and s.adapter == "auto" and s.constrained
    assert s.checkpoint_path().name == "checkpoints.sqlite" and s.qdrant_url == ""


def test_environment_then_toml(monkeypatch, tmp_path):
    toml = tmp_path / "geodesic.toml"
    toml.write_text('planner = "openai"\nmax_replans = 4\ntool_timeout = 30\n')
    monkeypatch.setenv("GEODESIC_CONFIG", str(toml))
    monkeypatch.setenv("GEODESIC_MAX_REPLANS", "1")
    s = Settings()
    assert s.planner == "openai" and s.tool_timeout == 30       # from the file
    assert s.max_replans == 1                                   # the environment wins
    assert Settings(max_replans=3).max_replans == 3             # arguments win over both
    assert Settings(adapter="none").adapter == ""


def test_bad_settings_are_named(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GEODESIC_PLANNER", "gpt-17")
    with pytest.raises(ValidationError, match="planner"):
        Settings()
    monkeypatch.delenv("GEODESIC_PLANNER")
    (tmp_path / "geodesic.toml").write_text("tool_timeot = 3\n")
    with pytest.raises(ValidationError, match="tool_timeot"):
        Settings()
