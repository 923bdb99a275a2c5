"""The chat page in a real browser (Debian's Chromium driven by Playwright) against the real
agent: the in-process Gemma 3 270M planner with the project's LoRA adapter, the default.

A physicist opens the page, asks a question, watches the work stream in, reads the verified
answer with its LaTeX rendered by KaTeX, likes it with a correction, and the rating is in the
feedback store. The server restarts and the conversation is still there; a PDE answer shows
its figure inline; a document uploaded is ingested. Screenshots go to test-artifacts/ui/.
"""

import json
import re
import sqlite3
from pathlib import Path

import pytest
import requests

from .conftest import ARTIFACTS, Server

CHROMIUM = Path("/usr/bin/chromium")
QUESTION = "Ricci scalar of de Sitter space"
HEAT = {"equations": ["u_t = 0.4*u_xx"], "variables": {"x": [0, 1], "t": [0, 1]},
        "conditions": [{"kind": "dirichlet", "on": "boundary"},
                       {"kind": "initial", "value": "sin(pi*x)"}],
        "exact": ["exp(-0.4*pi^2*t)*sin(pi*x)"]}
NOTE = """# Tidal forces near a black hole

The Kretschmann scalar $K = R_{abcd}R^{abcd}$ measures tidal stress; for Schwarzschild
$K = 48 M^2 / r^6$, finite at the horizon $r = 2M$.
"""


@pytest.fixture(scope="module")
def chromium():
    if not CHROMIUM.exists():
        pytest.fail("the browser test needs Debian's Chromium at /usr/bin/chromium: "
                    "`make test` installs it (apt-get install chromium)")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM))
        yield browser
        browser.close()


def answer_row(page):
    """The bot's message row of the latest answer (every answer ends with its trace id)."""
    rows = page.locator("#chat .message-row")
    return rows.filter(has_text=re.compile(r"trace [0-9a-f]{32}")).last


@pytest.mark.slow
def test_a_physicist_asks_rates_and_comes_back(chromium, tmp_path):
    ARTIFACTS.joinpath("ui").mkdir(parents=True, exist_ok=True)
    server = Server(tmp_path / "home")
    context = chromium.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    outside = []                      # the page must not reach beyond the server
    page.on("request", lambda r: outside.append(r.url)
            if not r.url.startswith((server.url, "data:", "blob:")) else None)
    try:
        with server:
            page.goto(server.url)
            page.fill("#question textarea", QUESTION)
            page.click("#ask")
            # the work streams in: a pending message ticks while the planner loads and plans
            page.locator("#chat").get_by_text("working...").first.wait_for(timeout=60_000)
            answer = answer_row(page)
            answer.wait_for(timeout=600_000)
            text = answer.inner_text()
            assert "Verified" in text, text
            assert "agrees with an independent numeric computation" in text
            display = answer.locator(".katex-display")        # $$...$$: LaTeX rendered
            assert display.count() == 1 and "12" in display.inner_text()    # R = 12/l^2
            assert "$$" not in text and "\\frac" not in text
            assert answer.get_by_text("curvature").count() >= 1    # the tool call, collapsible
            trace_id = re.search(r"trace ([0-9a-f]{32})", text).group(1)

            page.fill("#correction textarea", "right: R = 12/l^2 > 0 (MTW signs)")
            answer.locator("button[aria-label='Like']").last.click()
            page.locator("#feedback-note").get_by_text("stored as feedback").wait_for(
                timeout=30_000)
            page.screenshot(path=ARTIFACTS / "ui" / "answer-liked.png", full_page=True)
            with sqlite3.connect(server.feedback) as db:
                rows = db.execute("SELECT rating, correction, question, planner, trace "
                                  "FROM ratings WHERE trace_id = ?", (trace_id,)).fetchall()
            assert len(rows) == 1
            rating, correction, question, planner, trace = rows[0]
            assert (rating, correction, question) == (1, "right: R = 12/l^2 > 0 (MTW signs)",
                                                      QUESTION)
            assert planner.startswith("transformers: gemma-3-270m")
            trace = json.loads(trace)
            assert trace["verified"] and trace["final"]["value"] == "12/l**2"
            assert trace["plan"]["steps"][0]["tool"] == "curvature"
            assert '"curvature"' in trace["planner_output"]       # the planner's own text

            # the same question over HTTP, in a conversation: the planner is warm now
            r = requests.post(server.url + "/ask", json={"question": QUESTION,
                                                         "thread_id": "http-1"}, timeout=600)
            assert r.status_code == 200 and r.json()["final"]["value"] == "12/l**2"
            r = requests.post(server.url + "/solve-numerical", timeout=600, json={
                "spec": HEAT, "method": "classical", "question": "heat on a rod"})
            assert r.status_code == 200 and r.json()["figures"]

        # a restart: the page's conversation comes back from the store
        with Server(tmp_path / "home", port=server.port):
            page.reload()
            answer = answer_row(page)
            answer.wait_for(timeout=60_000)
            assert page.locator("#chat").get_by_text(QUESTION).count() >= 1
            assert answer.locator(".katex").count() >= 1
            # an earlier conversation (the PDE, solved over HTTP) shows its figure inline
            page.click("#conversations input")
            page.get_by_role("option", name=re.compile("heat on a rod")).click()
            figure = page.locator("#chat img[src*='solution']")
            figure.first.wait_for(timeout=60_000)
            pde = answer_row(page)
            assert "verified" in pde.inner_text().lower()
            inline = pde.locator(".katex").count() - pde.locator(".katex-display").count()
            assert inline >= 3                  # $u(x, t)$, $x \in [0, 1]$, ...: inline math
            page.screenshot(path=ARTIFACTS / "ui" / "pde-figure.png", full_page=True)
            # a document uploaded goes into the knowledge base
            note = tmp_path / "tidal.md"
            note.write_text(NOTE)
            page.click("text=Documents")
            page.locator("#upload input[type=file]").set_input_files(str(note))
            page.get_by_text(re.compile(r"Knowledge base: 1 added")).wait_for(timeout=300_000)
            assert "Traceback" not in page.inner_text("body")
    finally:
        context.close()
    assert outside == []
