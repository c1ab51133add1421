"""Filled-in service forms that the reference central accepts, for tests that submit requests."""

from __future__ import annotations

from kiosk.central.client import CentralClient
from kiosk.central.models import FieldValue

# Distinctive values, so a test can check that none of them appears where it must not.
SAMPLES: dict[str, FieldValue] = {
    "text": "Nguyễn Thị Hương", "address": "Xóm Bản Piềng, Xã Định Hóa, Thái Nguyên",
    "phone": "0912345678", "id_number": "001190012345", "date": "2026-12-01", "yes_no": True,
}  # fmt: skip


async def valid_fields(client: CentralClient, service_code: str) -> dict[str, FieldValue]:
    """Every field of the service filled with a valid value: the first choice, the smallest number."""
    service = next(s for s in (await client.services()).services if s.code == service_code)
    fields: dict[str, FieldValue] = {}
    for f in service.fields:
        if f.type == "choice":
            fields[f.name] = f.options[0].value
        elif f.type in ("number", "household_count"):
            fields[f.name] = f.min_value if f.min_value is not None else 1
        else:
            fields[f.name] = SAMPLES[f.type]
    return fields
