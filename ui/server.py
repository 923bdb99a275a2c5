"""The server: the chat page and the HTTP API, one FastAPI app served by uvicorn.

The API routes come first and Gradio is mounted at ``/`` after them. With a token
(``GEODESIC_API_TOKEN``) the API wants it as a bearer token and the chat page as the password
of its login. Request bodies are capped (``api_max_body``; uploads at the knowledge base's
20 MB). One agent serves every request; its stores are SQLite in WAL mode behind locks, so
concurrent requests do not corrupt them. ``geodesic ui`` (``ui.cli``) runs ``serve``.
"""

from __future__ import annotations

import contextlib
import os

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

from fastapi import Depends, FastAPI

from agent.api import Agent
from agent.config import Settings
from tools.pde.tool import artifacts_dir
from tools.retrieval.documents import MAX_BYTES as MAX_DOCUMENT

from .access import BodyLimit, password_check, token_checker
from .api import api_router
from .metrics import Metrics, RequestMetrics

UPLOAD_ROUTE = "/gradio_api/upload"
CSS = "#chat .katex-display { overflow-x: auto; overflow-y: hidden; }"


def build_app(settings: Settings | None = None, agent: Agent | None = None) -> FastAPI:
    """The whole server: API routes, the chat page at ``/``, limits, metrics. The agent is
    closed when the app shuts down."""
    import gradio as gr

    from .chat import build_chat
    settings = settings or (agent.settings if agent is not None else Settings())
    agent = agent or Agent(settings)
    metrics = Metrics()

    @contextlib.asynccontextmanager
    async def lifespan(_app):
        yield
        agent.close()

    app = FastAPI(title="Geodesic", version="0.1.0", lifespan=lifespan,
                  description="Verified answers in general relativity and PDEs: exact tools "
                              "compute, independent checks verify. See README.md.")
    api = api_router(agent, metrics, [Depends(token_checker(settings.api_token))])
    app.include_router(api)
    api_paths = {route.path for route in api.routes}
    artifacts = artifacts_dir()
    artifacts.mkdir(parents=True, exist_ok=True)
    app = gr.mount_gradio_app(app, build_chat(agent, metrics), path="/",
                              allowed_paths=[str(artifacts)], ssr_mode=False,
                              auth=password_check(settings.api_token),
                              max_file_size=MAX_DOCUMENT, footer_links=["api"], css=CSS,
                              theme=gr.themes.Default(), show_error=False)
    app.add_middleware(BodyLimit, limit=settings.api_max_body,
                       larger={UPLOAD_ROUTE: MAX_DOCUMENT + 1_048_576})
    app.add_middleware(RequestMetrics, metrics=metrics, api_paths=api_paths)
    app.state.agent, app.state.metrics = agent, metrics
    return app


def serve(settings: Settings) -> None:
    import uvicorn
    app = build_app(settings)
    print(f"Geodesic: http://{settings.ui_host}:{settings.ui_port}/ (API docs at /docs)",
          flush=True)
    uvicorn.run(app, host=settings.ui_host, port=settings.ui_port, log_level="warning")
