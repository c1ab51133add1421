"""Bills written by hand from the worked examples in `tests/central/test_billing_evn_method.py`, as the kiosk
receives them, for checking what the screens and the spoken guidance say about tier limits and parts against a
person's arithmetic rather than against whatever the central computed."""

from __future__ import annotations

from datetime import date, timedelta

from kiosk.central.models import Bill, BillSegment, BillStatus, Tariffs, TierLine, VatLine

TARIFFS = Tariffs.model_validate(
    {
        "residential": [
            {
                "effective_from": date(2024, 10, 11),
                "decision": "2699/QĐ-BCT",
                "tiers": [{"up_to_kwh": b, "unit_price": p} for b, p in
                          zip((50, 100, 200, 300, 400, None), (1893, 1956, 2271, 2860, 3197, 3302), strict=True)],
            },
            {
                "effective_from": date(2025, 5, 10),
                "decision": "1279/QĐ-BCT",
                "tiers": [{"up_to_kwh": b, "unit_price": p} for b, p in
                          zip((50, 100, 200, 300, 400, None), (1984, 2050, 2380, 2998, 3350, 3460), strict=True)],
            },
        ],
        "vat": [{"effective_from": date(2023, 7, 1), "rate": 0.08, "basis": "test"}],
        "proration": "test",
    }
)  # fmt: skip

Part = tuple[
    date, date, str, list[tuple[int, int | None, int, int]]
]  # start, end, decision, (tier, limit, kWh, price)


def _bill(
    parts: list[Part], households: int, month_days: int | None, *, status: BillStatus = "unpaid"
) -> Bill:
    tiers = [
        TierLine(tier=t, kwh=k, unit_price=p, amount=k * p, limit_kwh=lim, segment_start=s, segment_end=e)
        for s, e, _, lines in parts
        for t, lim, k, p in lines
    ]
    segments = [
        BillSegment(
            start=s, end=e, days=(e - s).days, kwh=sum(k for _, _, k, _ in lines), decision=d, vat_rate=0.08
        )
        for s, e, d, lines in parts
    ]
    subtotal = sum(t.amount for t in tiers)
    vat = (subtotal * 8 + 50) // 100
    start, end = parts[0][0], parts[-1][1]
    kwh = sum(s.kwh for s in segments)
    return Bill(
        id=f"PE01000123456-{end:%Y%m}",
        customer_code="PE01000123456",
        period_start=start,
        period_end=end,
        days=(end - start).days,
        month_days=month_days,
        meter_serial="MT00123456",
        opening_index=10_000,
        closing_index=10_000 + kwh,
        multiplier=1,
        kwh=kwh,
        households=households,
        tiers=tiers,
        segments=segments,
        subtotal=subtotal,
        vat_rate=0.08,
        vat_lines=[VatLine(rate=0.08, base=subtotal, amount=vat)],
        vat_amount=vat,
        total=subtotal + vat,
        due_date=end + timedelta(days=12),
        invoice_serial="1K25TAA",
        invoice_number="00000042",
        status=status,
        paid_at=None,
        pending_payment_id=None,
    )


# 20 Apr -> 20 May 2025, 420 kWh, 2 households, Decision 1279 from 10 May: 280 kWh over 20 days at the old prices
# (tier 1 = 50 x 20/30 x 2 = 66.67 -> 67), 140 kWh over 10 days at the new (tier 1 = 50 x 10/30 x 2 = 33.33 -> 33).
SPLIT = _bill(
    [
        (date(2025, 4, 20), date(2025, 5, 10), "2699/QĐ-BCT",
         [(1, 67, 67, 1893), (2, 67, 67, 1956), (3, 133, 133, 2271), (4, 133, 13, 2860)]),
        (date(2025, 5, 10), date(2025, 5, 20), "1279/QĐ-BCT",
         [(1, 33, 33, 1984), (2, 33, 33, 2050), (3, 67, 67, 2380), (4, 67, 7, 2998)]),
    ],
    households=2,
    month_days=30,
)  # fmt: skip

# 15 Jun -> 15 Jul 2025, 330 kWh, 1 household: N = T = 30 (June), so the whole monthly sizes.
SAME_DAY = _bill(
    [
        (date(2025, 6, 15), date(2025, 7, 15), "1279/QĐ-BCT",
         [(1, 50, 50, 1984), (2, 50, 50, 2050), (3, 100, 100, 2380), (4, 100, 100, 2998), (5, 100, 30, 3350)]),
    ],
    households=1,
    month_days=30,
)  # fmt: skip

# 3 Feb -> 5 Mar 2026, 3 households: N = 30, T = 28 (February): tier 1 = 50 x 30/28 x 3 = 160.71 -> 161.
THREE_HOUSEHOLDS = _bill(
    [
        (date(2026, 2, 3), date(2026, 3, 5), "1279/QĐ-BCT",
         [(1, 161, 161, 1984), (2, 161, 161, 2050), (3, 321, 321, 2380), (4, 321, 321, 2998), (5, 321, 36, 3350)]),
    ],
    households=3,
    month_days=28,
)  # fmt: skip
