"""Pure ASGI middleware: security headers and a request body size limit."""

from __future__ import annotations

import json

SECURITY_HEADERS = [
    (
        b"content-security-policy",
        b"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        b"frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    ),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
]
DOCS_PATHS = ("/docs", "/redoc")  # Swagger UI loads its own inline script and CDN assets


class SecurityMiddleware:
    """Adds security headers to every response and answers 413 to oversized bodies."""

    def __init__(self, app, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_body_bytes):
            return await _too_large(send, self.max_body_bytes)
        body = await _read_body(receive, self.max_body_bytes)
        if body is None:
            return await _too_large(send, self.max_body_bytes)
        replayed = False

        async def replay():
            nonlocal replayed
            if replayed:
                return await receive()  # the app waits for a disconnect after the body
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        async def send_with_headers(message):
            path = scope["path"]
            if message["type"] == "http.response.start" and not path.startswith(DOCS_PATHS):
                message["headers"] = list(message.get("headers", [])) + SECURITY_HEADERS
            await send(message)

        await self.app(scope, replay, send_with_headers)


async def _read_body(receive, limit: int) -> bytes | None:
    """The whole request body, or None as soon as it grows past ``limit`` bytes.

    Bodies are small JSON documents here, so reading them before the app is cheap, and a
    streamed (chunked) body over the limit is refused like one with a large Content-Length.
    """
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(chunks)
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


async def _too_large(send, limit: int) -> None:
    body = json.dumps({"detail": f"request body larger than {limit} bytes"}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [(b"content-type", b"application/json"), *SECURITY_HEADERS],
        }
    )
    await send({"type": "http.response.body", "body": body})
