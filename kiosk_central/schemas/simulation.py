"""The demo central's simulation of the world around it (the SMS gateway, the bank, the clock): demo only."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from kiosk_central.schemas.common import Count, Model


class SimOtp(Model):
    otp_id: str
    phone: str
    code: str


class SimClockAdvance(Model):
    seconds: Count = Field(gt=0, le=400 * 24 * 3600)


class SimClock(Model):
    now: datetime


class SimCounterPayment(Model):
    bill_id: str = Field(max_length=64)
    channel: str = Field(default="counter", max_length=32)
