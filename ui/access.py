"""Who may call the server and how much they may send.

* ``BodyLimit``: a request body over the limit is refused with 413 before any handler sees
  it, whether its ``Content-Length`` says so up front or it streams past the limit.
* ``require_token``: with ``api_token`` configured, API routes want
  ``Authorization: Bearer <token>`` (401 otherwise); the chat page asks for it as a password.
"""

from __future__ import annotations

import json
import secrets

from fastapi import HTTPException, Request


class BodyLimit:
    """ASGI middleware: at most ``limit`` bytes of body (``larger``: other limits for paths
    starting with a prefix, such as the chat's document uploads). The body is read ahead up
    to the limit, then handed on, so an oversized one never reaches a handler."""

    def __init__(self, app, limit: int, larger: dict[str, int] | None = None) -> None:
        self.app, self.limit, self.larger = app, limit, larger or {}

    def limit_for(self, path: str) -> int:
        return next((n for prefix, n in self.larger.items() if path.startswith(prefix)),
                    self.limit)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        limit = self.limit_for(scope["path"])
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None:
            if not declared.isdigit():
                return await _reply(send, 400, "the Content-Length header is not a number")
            if int(declared) > limit:
                return await _too_large(send, limit)
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > limit:
                return await _too_large(send, limit)
            if not message.get("more_body", False):
                break
        body, replayed = b"".join(chunks), False

        async def replay():
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()                # after the body: a disconnect, when it comes
        await self.app(scope, replay, send)


async def _too_large(send, limit: int) -> None:
    await _reply(send, 413, f"the request body is over the limit of {limit} bytes")


async def _reply(send, status: int, detail: str) -> None:
    body = json.dumps({"detail": detail}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})


def token_checker(token: str):
    """A FastAPI dependency that wants ``Authorization: Bearer <token>`` (none when the
    token is empty: the server is open, as on a laptop bound to 127.0.0.1)."""
    def require_token(request: Request) -> None:
        if not token:
            return
        scheme, _, given = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not secrets.compare_digest(given.strip().encode(),
                                                                    token.encode()):
            raise HTTPException(401, "a valid bearer token is required "
                                     "(Authorization: Bearer <token>)",
                                headers={"WWW-Authenticate": "Bearer"})
    return require_token


def password_check(token: str):
    """Gradio's login check: any user name, the token as password (None when open)."""
    if not token:
        return None
    return lambda _user, password: secrets.compare_digest(str(password).encode(),
                                                          token.encode())
