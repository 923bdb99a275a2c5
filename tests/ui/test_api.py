"""The HTTP API over real HTTP, against ``geodesic ui`` running in a process of its own:
real answers, clear 4xx for bad requests (malformed JSON, hostile expressions, oversized
bodies, bad specs), a server that stays up, feedback rows in the SQLite store, metrics,
a bearer token when configured, and concurrent requests that leave the stores whole."""

import http.client
import json
import sqlite3
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
import sympy as sp

from tools.mathparse import parse_expr

from .conftest import Server

SCHWARZSCHILD_K = {"tool": "curvature",
                   "args": {"metric": "schwarzschild", "quantity": "kretschmann"}}
HEAT = {"equations": ["u_t = 0.4*u_xx"], "variables": {"x": [0, 1], "t": [0, 1]},
        "conditions": [{"kind": "dirichlet", "on": "boundary"},
                       {"kind": "initial", "value": "sin(pi*x)"}],
        "exact": ["exp(-0.4*pi^2*t)*sin(pi*x)"]}


def post(server, path, body, **kw):
    return requests.post(server.url + path, json=body, timeout=300, **kw)


def same(a: str, b: str) -> bool:
    return sp.simplify(parse_expr(a) - parse_expr(b)) == 0


# ---------------------------------------------------------------------- answers
def test_symbolic_tool_call_is_answered_and_verified(server):
    r = post(server, "/solve-symbolic", SCHWARZSCHILD_K)
    assert r.status_code == 200, r.text
    ans = r.json()
    assert ans["verified"] and ans["status"] == "verified" and ans["checks"][0]["passed"]
    assert same(ans["final"]["value"], "48*M**2/r**6")                 # MTW (31.8)
    assert "M^{2}" in ans["latex"] and len(ans["trace_id"]) == 32


def test_symbolic_plan_photon_sphere(server):
    plan = {"steps": [
        {"id": "s1", "tool": "differentiate",
         "args": {"expression": "(1 - 2*M/r)/r^2", "variable": "r"}},
        {"id": "s2", "tool": "solve", "args": {"equations": ["$s1 = 0"], "variables": ["r"],
                                               "assumptions": {"M": "positive"}}}],
        "final": "s2"}
    r = post(server, "/solve-symbolic", {"plan": plan, "question": "photon sphere",
                                         "thread_id": "api-photon"})
    assert r.status_code == 200, r.text
    ans = r.json()
    assert ans["verified"] and same(ans["final"]["value"], "3*M")
    assert ans["thread_id"] == "api-photon" and ans["question"] == "photon sphere"


def test_numerical_spec_gives_a_verified_field_with_a_figure(server):
    r = post(server, "/solve-numerical", {"spec": HEAT, "method": "classical"})
    assert r.status_code == 200, r.text
    ans = r.json()
    assert ans["verified"] and ans["final"]["kind"] == "field"
    assert ans["final"]["variables"] == ["x", "t"]
    assert ans["final"]["value"]["error_estimate"] < 1e-4
    assert ans["figures"] and ans["figures"][0].endswith(".png")


# ---------------------------------------------------------------------- bad requests
@pytest.mark.parametrize("expression", [
    "__import__('os').system('touch /tmp/pwned')",
    "lambda: 0",
    "().__class__.__bases__[0].__subclasses__()",
    "exec('1')",
    "x" + "*(" * 500 + "x" + ")" * 500,
    "1" * 100_000,
])
def test_hostile_expressions_get_a_clean_422(server, expression):
    r = post(server, "/solve-symbolic",
             {"tool": "differentiate", "args": {"expression": expression, "variable": "x"}})
    assert r.status_code == 422, r.text[:500]
    body = r.json()
    assert isinstance(body["detail"], str) and body["detail"]
    assert body["answer"]["verified"] is False
    assert server.alive()


def test_hostile_line_element_and_unknown_metric_are_refused_by_name(server):
    r = post(server, "/solve-symbolic", {"tool": "curvature", "args": {
        "metric": "ds^2 = -__import__('os') dt^2 + dx^2", "quantity": "ricci_scalar"}})
    assert r.status_code == 422 and "ParseError" in r.json()["detail"]
    r = post(server, "/solve-symbolic", {"tool": "curvature", "args": {
        "metric": "kerrr", "quantity": "kretschmann"}})
    assert r.status_code == 422 and "unknown metric 'kerrr'" in r.json()["detail"]


def test_malformed_and_mistyped_requests_get_422(server):
    headers = {"content-type": "application/json"}
    for raw in ('{"tool": "curvature", "args": ', "not json", "[1, 2", "\xff\xfe"):
        r = requests.post(server.url + "/solve-symbolic", data=raw.encode("latin-1"),
                          headers=headers, timeout=30)
        assert r.status_code == 422, (raw, r.text)
    cases = [{"tool": "rm -rf", "args": {}},                     # not a symbolic tool
             {"tool": "curvature", "plan": {"steps": [], "final": "s1"}},    # both
             {},                                                             # neither
             {"plan": {"steps": [{"id": "s1", "tool": "solve_pde", "args": {}}],
                       "final": "s1"}},                          # numerical in a symbolic plan
             {"tool": "curvature", "args": [1, 2]},
             {"tool": "curvature", "args": {}, "surprise": True}]
    for body in cases:
        assert post(server, "/solve-symbolic", body).status_code == 422, body
    r = post(server, "/solve-symbolic", {"tool": "curvature", "args": {"metric": "kerr"}})
    assert r.status_code == 422 and "quantity" in r.json()["detail"]       # refused plan
    assert server.alive()


def test_bad_pde_specs_are_named(server):
    no_initial = {**HEAT, "conditions": HEAT["conditions"][:1]}
    r = post(server, "/solve-numerical", {"spec": no_initial})
    assert r.status_code == 422 and "needs initial conditions" in r.text
    r = post(server, "/solve-numerical", {"spec": {**HEAT, "equations": ["u_t = eval(1)"]}})
    assert r.status_code == 422, r.text
    r = post(server, "/solve-numerical", {"spec": {**HEAT, "variables": {"x": [1, 0]}}})
    assert r.status_code == 422 and "low < high" in r.text
    r = post(server, "/solve-numerical", {"spec": HEAT, "method": "magic"})
    assert r.status_code == 422


def test_oversized_bodies_get_413_and_the_server_stays_up(server):
    big = {"tool": "simplify", "args": {"expression": "x" * 2_000_000}}
    r = post(server, "/solve-symbolic", big)                    # declared Content-Length
    assert r.status_code == 413 and "over the limit" in r.json()["detail"]

    def chunks():                                               # streamed: no length given
        yield b'{"tool": "simplify", "args": {"expression": "'
        for _ in range(64):
            yield b"x" * 32_768
        yield b'"}}'
    r = requests.post(server.url + "/solve-symbolic", data=chunks(), timeout=60,
                      headers={"content-type": "application/json"})
    assert r.status_code == 413
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    connection.putrequest("POST", "/solve-symbolic")
    connection.putheader("Content-Length", "lots")
    connection.endheaders()
    assert connection.getresponse().status == 400
    connection.close()
    assert server.alive()
    assert post(server, "/solve-symbolic", SCHWARZSCHILD_K).status_code == 200


def test_questions_are_validated_before_the_planner_runs(server):
    assert post(server, "/ask", {"question": ""}).status_code == 422
    assert post(server, "/ask", {"question": "   "}).status_code == 422
    assert post(server, "/ask", {"question": "x" * 20_001}).status_code == 422
    assert post(server, "/solve-hybrid", {"question": "q", "retrieve_k": 99}).status_code == 422
    assert post(server, "/ask", {"question": "q", "planner": "gpt-17"}).status_code == 422
    assert post(server, "/ask", {"question": "q", "thread_id": "../etc"}).status_code == 422


# ---------------------------------------------------------------------- feedback
def test_feedback_is_stored_with_the_answers_trace(server):
    ans = post(server, "/solve-symbolic", SCHWARZSCHILD_K).json()
    r = post(server, "/feedback", {"trace_id": ans["trace_id"], "rating": -1,
                                   "correction": "I wanted the Kerr value"})
    assert r.status_code == 200, r.text
    receipt = r.json()
    with sqlite3.connect(server.feedback) as db:
        row = db.execute("SELECT trace_id, thread_id, question, rating, correction, trace, "
                         "created FROM ratings WHERE id = ?", (receipt["id"],)).fetchone()
    trace_id, thread_id, question, rating, correction, trace, created = row
    assert (trace_id, thread_id, rating) == (ans["trace_id"], ans["thread_id"], -1)
    assert correction == "I wanted the Kerr value" and question == ans["question"]
    trace = json.loads(trace)
    assert trace["plan"]["steps"][0]["tool"] == "curvature"
    assert trace["verified"] and trace["checks"][0]["passed"]
    assert same(trace["final"]["value"], "48*M**2/r**6") and created.startswith("20")


def test_feedback_for_unknown_answers_or_bad_ratings_is_refused(server):
    r = post(server, "/feedback", {"trace_id": "0" * 32, "rating": 1})
    assert r.status_code == 404 and "no answer with trace id" in r.json()["detail"]
    ans = post(server, "/solve-symbolic", SCHWARZSCHILD_K).json()
    for rating in (0, 2, "up", None, True):
        r = post(server, "/feedback", {"trace_id": ans["trace_id"], "rating": rating})
        assert r.status_code == 422, rating
    r = post(server, "/feedback", {"trace_id": "'; DROP TABLE ratings; --", "rating": 1})
    assert r.status_code == 422


# ---------------------------------------------------------------------- service
def test_health_metrics_and_docs(server):
    assert requests.get(server.url + "/health", timeout=10).json()["status"] == "ok"
    post(server, "/solve-symbolic", SCHWARZSCHILD_K)
    metrics = requests.get(server.url + "/metrics", timeout=10)
    assert metrics.status_code == 200 and metrics.headers["content-type"].startswith(
        "text/plain")
    text = metrics.text
    assert 'geodesic_answers_total{status="verified"}' in text
    assert 'route="/solve-symbolic",status="200"' in text
    assert "geodesic_http_request_seconds_bucket" in text
    spec = requests.get(server.url + "/openapi.json", timeout=10).json()
    assert {"/solve-symbolic", "/solve-numerical", "/solve-hybrid", "/ask", "/feedback",
            "/health", "/metrics"} <= set(spec["paths"])
    assert requests.get(server.url + "/docs", timeout=10).status_code == 200
    assert requests.get(server.url + "/", timeout=10).status_code == 200     # the chat page


def test_concurrent_requests_leave_the_stores_whole(server):
    def solve_and_rate(i):
        body = {"tool": "differentiate", "args": {"expression": f"x^{i + 2}", "variable": "x"},
                "thread_id": f"concurrent-{i}"}
        ans = post(server, "/solve-symbolic", body).json()
        receipt = post(server, "/feedback", {"trace_id": ans["trace_id"],
                                             "rating": 1 if i % 2 else -1}).json()
        return ans, receipt

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(solve_and_rate, range(16)))
    for i, (ans, receipt) in enumerate(results):
        assert ans["verified"] and same(ans["final"]["value"], f"{i + 2}*x**{i + 1}")
        assert receipt["trace_id"] == ans["trace_id"]
    with sqlite3.connect(server.feedback) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        rows = db.execute("SELECT trace_id, thread_id FROM ratings WHERE thread_id LIKE "
                          "'concurrent-%'").fetchall()
    assert sorted(rows) == sorted((a["trace_id"], a["thread_id"]) for a, _ in results)


def test_a_token_is_required_when_configured(tmp_path):
    with Server(tmp_path, GEODESIC_API_TOKEN="s3cret-token") as s:
        assert requests.get(s.url + "/health", timeout=10).status_code == 200
        r = post(s, "/solve-symbolic", SCHWARZSCHILD_K)
        assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
        wrong = {"Authorization": "Bearer nope"}
        assert post(s, "/solve-symbolic", SCHWARZSCHILD_K, headers=wrong).status_code == 401
        assert requests.get(s.url + "/metrics", timeout=10).status_code == 401
        right = {"Authorization": "Bearer s3cret-token"}
        assert post(s, "/solve-symbolic", SCHWARZSCHILD_K, headers=right).status_code == 200
        assert requests.get(s.url + "/config", timeout=10).status_code == 401   # the chat's
        browser = requests.Session()
        login = s.url + "/login"
        assert browser.post(login, data={"username": "me", "password": "nope"},
                            timeout=10).status_code == 400
        assert browser.post(login, data={"username": "me", "password": "s3cret-token"},
                            timeout=10).json() == {"success": True}
        assert browser.get(s.url + "/config", timeout=10).status_code == 200


def test_a_plan_sent_with_a_question_is_checked_to_answer_it(server):
    body = {"tool": "curvature", "args": {"metric": "schwarzschild", "quantity": "ricci_scalar"}}
    ans = post(server, "/solve-symbolic", body).json()
    assert ans["verified"] and float(ans["final"]["value"]) == 0          # Ricci-flat
    asked = post(server, "/solve-symbolic", {**body, "question": "Kretschmann scalar"}).json()
    assert not asked["verified"] and "Kretschmann" in asked["reason"]
