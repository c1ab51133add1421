"""A kiosk pointed at a central that misbehaves: nothing listening, garbage answers, or no answer at all."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from PySide6.QtWidgets import QApplication

from kiosk.config import load_settings
from kiosk.demo.settings import demo_overrides
from kiosk.shell.app import KioskApp
from kiosk.views.panels import LANDSCAPE
from tests.helpers.kiosks import demo_kiosk


def kiosk_against(qapp: QApplication, url: str, tmp_path: Path, **central: object) -> KioskApp:
    overrides = demo_overrides(url, "any-token", tmp_path) | {f"central.{k}": v for k, v in central.items()}
    app = demo_kiosk(load_settings(None, {}, overrides=overrides), qapp)
    app.start_devices()
    app.window.resize(*LANDSCAPE)
    app.window.show()
    return app


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def garbage_central(body: bytes = b'{"customer": "surprise", "bills": 42}') -> Iterator[str]:
    """A server that answers every request with 200 and a body that breaks the contract."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def silent_central() -> Iterator[str]:
    """A server that accepts connections and never answers (a network that swallows requests)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        sock.close()
