"""Planned outages and outage reports."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from kiosk_central.schemas.common import ClientReference, CustomerCode, Label, Model


class Outage(Model):
    id: str
    kind: Literal["planned", "emergency"]
    district_unit: str
    area: Label
    reason: Label
    start_at: datetime
    expected_end_at: datetime
    status: Literal["scheduled", "in_progress"]


class OutageList(Model):
    customer_code: CustomerCode
    outages: list[Outage]


class OutageReportCreate(Model):
    customer_code: CustomerCode
    kind: Literal["my_house", "street", "danger"]
    description: str = Field(default="", max_length=500)
    client_reference: ClientReference | None = None


class OutageReport(Model):
    id: str
    client_reference: str | None = Field(description="The kiosk's own reference, if it gave one.")
    customer_code: CustomerCode
    kind: Literal["my_house", "street", "danger"]
    created_at: datetime
    emergency_hotline: str = Field(
        description="The corporation's 24/7 hotline: call it at once for danger (fallen wire, sparks)."
    )
    fire_hotline: str = Field(description="Fire and rescue (114), for fire or injury.")
    emergency: bool = Field(
        description="True for `danger`: the kiosk shows the hotlines before anything else."
    )
