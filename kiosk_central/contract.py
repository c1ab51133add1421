"""The committed contract: ``python -m kiosk_central.contract > contract/openapi.json`` regenerates it.

A test keeps the served ``/openapi.json`` identical to the committed file, so a change to the API
shows up as a diff of the contract in review.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from kiosk_central.app import ServerSettings, create_app


def openapi_document() -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as scratch:
        app = create_app(ServerSettings(database=Path(scratch) / "contract.db", tokens={}))
        return app.openapi()


def openapi_text(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


if __name__ == "__main__":
    print(openapi_text(openapi_document()), end="")  # noqa: T201
