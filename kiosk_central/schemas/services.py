"""The service catalogue, one-time codes to the customer's phone, and service requests with their history."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import ConfigDict, Field

from kiosk_central.schemas.common import (
    MOBILE_PHONE_PATTERN,
    ClientReference,
    Count,
    CustomerCode,
    Flag,
    Label,
    Model,
)

FieldType = Literal[
    "text", "number", "choice", "date", "phone", "id_number", "address", "household_count", "yes_no"
]


class FormOption(Model):
    value: str
    label: Label


class FormField(Model):
    name: str
    type: FieldType
    label: Label
    required: bool
    help: Label | None
    options: list[FormOption]
    min_value: int | None
    max_value: int | None
    max_length: int | None


class Service(Model):
    code: str
    number: int
    title: Label
    description: Label
    max_working_days: int
    documents: list[Label]
    fields: list[FormField]
    requires_customer_code: bool


class ServiceList(Model):
    services: list[Service]


class OtpCreate(Model):
    # Exactly one destination, said in the contract as the server checks it (422 `phone_or_customer_code`).
    model_config = ConfigDict(
        json_schema_extra={
            "oneOf": [
                {"required": [given], "properties": {given: {"type": "string"}, other: {"type": "null"}}}
                for given, other in (("phone", "customer_code"), ("customer_code", "phone"))
            ]
        }
    )

    purpose: Literal["service_request", "outage_report"]
    phone: str | None = Field(
        default=None, pattern=MOBILE_PHONE_PATTERN, description="Send to this mobile phone (10 digits), or…"
    )
    customer_code: CustomerCode | None = Field(default=None, description="…to the phone on the account.")


class Otp(Model):
    id: str
    phone: str = Field(description="Masked.")
    expires_at: datetime
    resend_after: datetime
    max_attempts: int


class OtpVerify(Model):
    code: str = Field(pattern=r"^[0-9]{6}$", description="The 6 digits the customer received.")


class OtpVerification(Model):
    otp_id: str
    verified_at: datetime = Field(description="When the code was first found right; the same on a repeat.")
    valid_until: datetime = Field(
        description=(
            "`verified_at` + 7 days: until then the code confirms one service request even after"
            " `expires_at`, so a request confirmed at a kiosk that is offline can be delivered later."
        )
    )


class RequestCreate(Model):
    service_code: str = Field(max_length=64)
    customer_code: CustomerCode | None = None
    fields: dict[str, str | Count | Flag] = Field(max_length=64)
    otp_id: str = Field(max_length=64)
    otp_code: str = Field(pattern=r"^[0-9]{6}$")
    client_reference: ClientReference | None = None


class RequestEvent(Model):
    at: datetime
    status: str
    note: Label


class ServiceRequest(Model):
    tracking_code: str
    client_reference: str | None = Field(description="The kiosk's own reference, if it gave one.")
    service_code: str
    customer_code: CustomerCode | None
    status: Literal["received", "in_progress", "completed", "rejected"]
    created_at: datetime
    due_by: date
    history: list[RequestEvent]
