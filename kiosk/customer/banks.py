"""Short names of the banks behind NAPAS bank identification numbers (BINs), as customers know them.

The payment screen names the bank the money goes to, so a customer can check it against what their banking app
shows before confirming. A BIN not listed here is shown as its number.
"""

from __future__ import annotations

BANKS: dict[str, str] = {
    "970405": "Agribank",
    "970407": "Techcombank",
    "970415": "VietinBank",
    "970418": "BIDV",
    "970422": "MB Bank",
    "970423": "TPBank",
    "970432": "VPBank",
    "970436": "Vietcombank",
    "970403": "Sacombank",
    "970416": "ACB",
    "970441": "VIB",
    "970443": "SHB",
    "970448": "OCB",
    "970454": "Viet Capital Bank",
    "970437": "HDBank",
    "970431": "Eximbank",
    "970426": "MSB",
    "970429": "SCB",
    "970440": "SeABank",
    "970449": "LPBank",
}


def bank_name(bank_bin: str) -> str:
    return BANKS.get(bank_bin, bank_bin)
