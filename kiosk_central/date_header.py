"""Every answer's ``Date`` header, from the central's own clock.

Kiosks measure the central's promises (a payment's expiry and how long money for it is watched, when a new code
may be sent) by the central's time, which they learn from this header (``kiosk.central.central_time``): their
own clocks jump. The header must therefore be the clock the central decides by, the same one that stamps
``expires_at`` and ``retry_after``: the reference server's :class:`~kiosk_central.clock.Clock`, which a demo can
move forward. uvicorn's own header (the machine's time) is turned off where the server is started
(``date_header=False``), so that there is one.
"""

from __future__ import annotations

from email.utils import format_datetime

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kiosk_central.clock import Clock


class DateHeader:
    """ASGI middleware: sets ``Date`` on every HTTP answer from ``clock``."""

    def __init__(self, app: ASGIApp, clock: Clock) -> None:
        self._app = app
        self._clock = clock

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return

        async def dated_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"date"]
                date = format_datetime(self._clock.now(), usegmt=True).encode("latin-1")
                message = {**message, "headers": [*headers, (b"date", date)]}
            await send(message)

        await self._app(scope, receive, dated_send)
