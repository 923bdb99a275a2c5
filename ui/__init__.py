"""Geodesic's chat page (Gradio) and HTTP API (FastAPI), served together by ``geodesic ui``."""
