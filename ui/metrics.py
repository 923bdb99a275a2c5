"""Prometheus metrics of the server: requests, latencies, answers and ratings.

Each server has a registry of its own (not the process-wide default), so building two apps
in one process, as the tests do, counts each apart. ``GET /metrics`` serves it.

>>> m = Metrics()
>>> m.answer("verified")
>>> b"geodesic_answers_total{status=\\"verified\\"} 1.0" in m.exposition()
True
"""

from __future__ import annotations

import time

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram
from prometheus_client import generate_latest

CONTENT_TYPE = CONTENT_TYPE_LATEST


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter("geodesic_http_requests", "HTTP requests by route and status",
                                ["method", "route", "status"], registry=self.registry)
        self.latency = Histogram("geodesic_http_request_seconds", "HTTP request latency",
                                 ["route"], registry=self.registry,
                                 buckets=(0.01, 0.05, 0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300))
        self.answers = Counter("geodesic_answers", "Answers given, by status (verified, "
                               "unverified, refused)", ["status"], registry=self.registry)
        self.ratings = Counter("geodesic_feedback", "Ratings received, by rating",
                               ["rating"], registry=self.registry)

    def answer(self, status: str) -> None:
        self.answers.labels(status=status).inc()

    def rating(self, rating: int) -> None:
        self.ratings.labels(rating="up" if rating > 0 else "down").inc()

    def exposition(self) -> bytes:
        return generate_latest(self.registry)


class RequestMetrics:
    """ASGI middleware: counts every HTTP request and times it. Routes of the API are
    labelled by path; everything else (the chat page and its assets) as ``ui``, so that the
    number of label values stays small."""

    def __init__(self, app, metrics: Metrics, api_paths: set[str]) -> None:
        self.app, self.metrics, self.api_paths = app, metrics, api_paths

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        route = scope["path"] if scope["path"] in self.api_paths else "ui"
        status = {"code": 500}
        start = time.perf_counter()

        async def record_status(message):
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)
        try:
            await self.app(scope, receive, record_status)
        finally:
            self.metrics.requests.labels(method=scope["method"], route=route,
                                         status=str(status["code"])).inc()
            self.metrics.latency.labels(route=route).observe(time.perf_counter() - start)
