"""``geodesic ui``: the chat page and the HTTP API (see ``ui.server``).

    geodesic ui                           http://127.0.0.1:7860 (the chat), /docs (the API)
    GEODESIC_API_TOKEN=s3cret geodesic ui --host 0.0.0.0 --port 8080

It binds to 127.0.0.1 unless told otherwise (``--host``, ``GEODESIC_UI_HOST``). The token
comes from the environment (or the configuration file), so that it stays out of ``ps``.
"""

from __future__ import annotations

import argparse


def register(sub) -> None:
    """Add ``ui`` to the ``geodesic`` command line (entry point ``geodesic.commands``)."""
    p = sub.add_parser("ui", help="the chat page and the HTTP API (Gradio + FastAPI)",
                       description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--host", help="address to bind (default 127.0.0.1: this machine only)")
    p.add_argument("--port", type=int, help="port (default 7860)")
    p.set_defaults(func=run)


def run(args) -> int:
    from agent.config import Settings

    from .server import serve
    overrides = {k: v for k, v in (("ui_host", args.host), ("ui_port", args.port))
                 if v is not None}
    serve(Settings(**overrides))
    return 0
