"""Settings: constructor arguments, then ``GEODESIC_*`` environment variables, then a TOML file,
then the embedded defaults (local planner model, embedded Qdrant, SQLite).

The TOML file is ``$GEODESIC_CONFIG`` if set, else ``geodesic.toml`` in the working directory,
else ``config.toml`` in ``GEODESIC_HOME``. Keys are the field names below::

    planner = "openai"
    openai_base_url = "http://127.0.0.1:8000/v1"
    tool_timeout = 120

>>> Settings(planner="openai", max_replans=1).max_replans
1
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import (BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict,
                               TomlConfigSettingsSource)

from tools.base import geodesic_home


PlannerBackend = Literal["transformers", "openai"]


def _toml_file() -> Path | None:
    for candidate in (os.environ.get("GEODESIC_CONFIG"), "geodesic.toml",
                      geodesic_home() / "config.toml"):
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    return None


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="GEODESIC_", extra="forbid")

    # --- planner
    planner: PlannerBackend = "transformers"
    model: str = Field("", description="transformers: a checkpoint folder (empty: the "
                       "converted Gemma 3 270M); openai: the served model's name")
    adapter: str = Field("auto", description="a LoRA adapter folder; 'auto': the current "
                         "version of the planner registry, else the project's adapter when "
                         "one is installed; '' or 'none': the base model alone")
    planner_registry: str = Field("", description="the folder of planner versions "
                                  "(geodesic rlhf); empty: GEODESIC_HOME/planners")
    constrained: bool = Field(True, description="constrain the planner's output to the plan's "
                              "JSON schema (xgrammar in-process, structured outputs on vLLM)")
    max_new_tokens: int = Field(384, ge=16, le=4096)
    temperature: float = Field(0.0, ge=0.0, le=2.0)
    replan_temperature: float = Field(0.7, ge=0.0, le=2.0, description="sampling temperature "
                                      "of a replan, so that it is not the failed plan again")
    openai_base_url: str = "http://127.0.0.1:8000/v1"
    openai_api_key: str = "EMPTY"
    openai_timeout: float = Field(300.0, gt=0)
    openai_chat: bool = Field(False, description="use chat completions (hosted chat models) "
                              "instead of plain completions (vLLM serving the base model)")
    # --- the loop
    max_replans: int = Field(2, ge=0, le=10, description="plans tried after the first fails")
    recursion_limit: int = Field(40, ge=8, le=500)
    examples: int = Field(6, ge=0, le=40, description="worked plans shown to the planner")
    # --- tools
    tool_timeout: float = Field(300.0, gt=0, description="seconds per tool call")
    tool_memory_mb: int = Field(8192, ge=256)
    pinn_seconds: float | None = Field(None, gt=0, description="wall-clock seconds a PINN may "
                                       "train (empty: the solver's own iteration budget)")
    # --- retrieval
    retrieve_k: int = Field(4, ge=0, le=20)
    qdrant_path: str = Field("", description="embedded Qdrant folder (empty: GEODESIC_HOME/qdrant)")
    qdrant_url: str = Field("", description="a Qdrant server; overrides qdrant_path")
    qdrant_api_key: str = ""
    # --- storage
    checkpoints: str = Field("", description="SQLite file of conversation checkpoints "
                             "(empty: GEODESIC_HOME/checkpoints.sqlite)")
    feedback: str = Field("", description="SQLite file of answers and their ratings "
                          "(empty: GEODESIC_HOME/feedback.sqlite)")
    # --- the chat UI and HTTP API (geodesic ui)
    ui_host: str = Field("127.0.0.1", description="address to bind; 0.0.0.0 exposes it")
    ui_port: int = Field(7860, ge=1, le=65535)
    api_token: str = Field("", description="when set, the API wants 'Authorization: Bearer "
                           "<token>' and the chat page a login with it as password")
    api_max_body: int = Field(1_048_576, ge=1024, description="bytes of an API request body")
    # --- serve-llm
    vllm_python: str = Field("", description="a Python with vllm installed (empty: "
                             ".venv-vllm/bin/python, then this one)")
    vllm_port: int = Field(8000, ge=1, le=65535)

    @field_validator("adapter")
    @classmethod
    def _no_adapter(cls, value: str) -> str:
        return "" if value.lower() in ("none", "off") else value

    @classmethod
    def settings_customise_sources(cls, settings_cls: type[BaseSettings],
                                   init_settings: PydanticBaseSettingsSource,
                                   env_settings: PydanticBaseSettingsSource,
                                   dotenv_settings: PydanticBaseSettingsSource,
                                   file_secret_settings: PydanticBaseSettingsSource):
        toml = _toml_file()
        sources = [init_settings, env_settings]
        if toml is not None:
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=toml))
        return tuple(sources)

    def checkpoint_path(self) -> Path:
        return Path(self.checkpoints) if self.checkpoints else geodesic_home() / "checkpoints.sqlite"

    def feedback_path(self) -> Path:
        return Path(self.feedback) if self.feedback else geodesic_home() / "feedback.sqlite"
