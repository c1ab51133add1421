"""The committed contract is what the server serves, and what the kiosk's client models read."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import BaseModel

from kiosk.central import models
from kiosk_central.contract import openapi_document, openapi_text
from tests.helpers.central import RunningCentral

CONTRACT = Path(__file__).parent.parent / "contract" / "openapi.json"


def test_the_served_contract_is_the_committed_one(central: RunningCentral) -> None:
    served = httpx.get(f"{central.url}/openapi.json").json()
    committed = json.loads(CONTRACT.read_text(encoding="utf-8"))
    assert served == committed, "regenerate: python3 -m kiosk_central.contract > contract/openapi.json"


def test_the_committed_file_is_formatted_as_generated() -> None:
    assert CONTRACT.read_text(encoding="utf-8") == openapi_text(openapi_document())


def test_every_v1_path_is_versioned_and_authenticated() -> None:
    document = json.loads(CONTRACT.read_text(encoding="utf-8"))
    for path, operations in document["paths"].items():
        assert path.startswith("/v1/"), path
        for operation in operations.values():
            if path != "/v1/health":
                assert operation.get("security"), f"{path} is not authenticated"


def _schema(document: dict[str, Any], name: str) -> dict[str, Any]:
    schemas: dict[str, Any] = document["components"]["schemas"]
    return schemas[name]


@pytest.mark.parametrize(
    ("model", "schema"),
    [
        (models.Customer, "Customer"),
        (models.Bill, "Bill"),
        (models.TierLine, "TierLine"),
        (models.BillList, "BillList"),
        (models.Payment, "Payment"),
        (models.Otp, "Otp"),
        (models.OtpVerification, "OtpVerification"),
        (models.ServiceRequest, "ServiceRequest"),
        (models.Outage, "Outage"),
        (models.OutageReport, "OutageReport"),
        (models.BankTransferResult, "BankTransferResult"),
        (models.StaffCallAck, "StaffCallAck"),
        (models.KioskChanges, "KioskChanges"),
        (models.PaymentChange, "PaymentChange"),
        (models.RequestChange, "RequestChange"),
        (models.OutageReportChange, "OutageReportChange"),
    ],
)
def test_client_models_read_only_fields_the_contract_defines(model: type[BaseModel], schema: str) -> None:
    """The client is written separately from the server; this keeps it honest about field names."""
    document = json.loads(CONTRACT.read_text(encoding="utf-8"))
    properties = set(_schema(document, schema)["properties"])
    assert set(model.model_fields) <= properties
    required = set(_schema(document, schema).get("required", []))
    client_required = {n for n, f in model.model_fields.items() if f.is_required()}
    assert client_required <= required


@pytest.mark.parametrize(
    ("model", "schema"),
    [(models.Heartbeat, "Heartbeat"), (models.StaffCall, "StaffCallCreate")],
)
def test_client_request_bodies_are_the_contracts(model: type[BaseModel], schema: str) -> None:
    """What the kiosk sends: every field the contract knows, and every one it requires is required."""
    document = json.loads(CONTRACT.read_text(encoding="utf-8"))
    assert set(model.model_fields) == set(_schema(document, schema)["properties"])
    client_required = {n for n, f in model.model_fields.items() if f.is_required()}
    assert client_required == set(_schema(document, schema).get("required", []))


def test_fixed_field_names() -> None:
    document = json.loads(CONTRACT.read_text(encoding="utf-8"))
    assert set(_schema(document, "PaymentCreate")["properties"]) == {"customer_code", "bill_ids", "method"}
    assert {"id", "status", "amount", "qr_payload", "reference", "expires_at"} <= set(
        _schema(document, "Payment")["properties"]
    )
    assert {"id", "period_start", "period_end", "kwh", "tiers", "subtotal", "vat_rate", "vat_amount", "total",
            "due_date", "status"} <= set(_schema(document, "Bill")["properties"])  # fmt: skip
    assert {"kwh", "unit_price", "amount"} <= set(_schema(document, "TierLine")["properties"])
    assert set(_schema(document, "BankTransfer")["properties"]) == {"transaction_id", "reference", "amount"}


def test_every_status_a_kiosk_reads_in_its_changes_is_declared() -> None:
    """The kiosk decides by status; a status the contract does not name would be a surprise in the field."""
    document = json.loads(CONTRACT.read_text(encoding="utf-8"))
    payment = _schema(document, "PaymentChange")["properties"]["status"]
    request = _schema(document, "RequestChange")["properties"]["status"]
    assert set(payment["enum"]) == {"pending", "paid", "expired", "cancelled"}
    assert set(request["enum"]) == {"received", "in_progress", "completed", "rejected"}
