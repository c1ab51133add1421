"""A ceiling on request bodies, before anything reads them.

Every body the API takes (a heartbeat, a payment, a request's answers) is a few kilobytes; without a ceiling one
client could make the server buffer and store megabytes (a 20 MiB heartbeat `version` was stored, and the fleet
page then served 22 MB). Bodies over the ceiling are refused with 413 `payload_too_large`, whether their size is
declared (`Content-Length`) or only found while they stream in.

Not FastAPI's own `max_body_size` (Starlette's RequestBodyLimitMiddleware): for a declared size over the limit it
replaces whatever the application answered with a plain-text "Content Too Large", outside the contract's error
shape that kiosks read.
"""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_BODY_BYTES = 64 * 1024


def _answer_body() -> bytes:
    error = {
        "code": "payload_too_large",
        "message": f"the request body is over {MAX_BODY_BYTES} bytes",
        "details": {"max_bytes": MAX_BODY_BYTES},
    }
    return json.dumps({"error": error}).encode()


class BodyLimit:
    """ASGI middleware: at most ``limit`` bytes of body per request."""

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY_BYTES) -> None:
        self._app = app
        self._limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self._limit:
            await self._refuse(send)
            return
        seen = 0
        over = refused = False

        async def limited_receive() -> Message:
            nonlocal seen, over
            if over:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self._limit:
                    # The application sees the client gone; whatever it answers then is replaced below.
                    over = True
                    return {"type": "http.disconnect"}
            return message

        async def limited_send(message: Message) -> None:
            nonlocal refused
            if not over:
                await send(message)
            elif message["type"] == "http.response.start" and not refused:
                refused = True
                await self._refuse(send)

        try:
            await self._app(scope, limited_receive, limited_send)
        except Exception:
            if not over:
                raise
        if over and not refused:
            await self._refuse(send)

    @staticmethod
    async def _refuse(send: Send) -> None:
        body = _answer_body()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
