"""The kiosk's log: to standard error, one line per record, with syslog priorities under systemd; and the
libraries that would log customer data held back."""

from __future__ import annotations

import logging
from collections.abc import Mapping

__all__ = ["configure_logging"]


class _JournalFormatter(logging.Formatter):
    """Under systemd (``JOURNAL_STREAM`` set), each line starts with its syslog priority (``<3>`` for an error),
    so that ``journalctl -p warning`` finds the kiosk's warnings; elsewhere, plain lines."""

    _PRIORITIES = ((logging.CRITICAL, 2), (logging.ERROR, 3), (logging.WARNING, 4), (logging.INFO, 6))

    def __init__(self, *, journal: bool) -> None:
        super().__init__("%(levelname)s %(name)s: %(message)s")
        self._journal = journal

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        if not self._journal:
            return line
        priority = next((p for level, p in self._PRIORITIES if record.levelno >= level), 7)
        return "\n".join(f"<{priority}>{part}" for part in line.splitlines())


def configure_logging(env: Mapping[str, str]) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(_JournalFormatter(journal="JOURNAL_STREAM" in env))
    logging.basicConfig(level=logging.INFO, handlers=[handler])
    # Libraries that would log customer data: httpx logs each request's URL at INFO (a customer code is in the
    # path), and at DEBUG qasync logs the arguments of every call it runs in a thread (outbox payloads).
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    logging.getLogger("qasync").setLevel(logging.INFO)
