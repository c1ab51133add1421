"""The request slip: the paper a customer leaves with, proving the request was made and letting them follow it.

Built from the outbox item and the service alone, so a reprint days later reads the same. While the request waits
on the kiosk the slip carries the kiosk's own reference (``K…``), which the central also finds the request by once
it arrives; its QR opens the tracking page either way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kiosk.language.catalogs import Translator
from kiosk.language.time_zone import VIETNAM
from kiosk.printing.document import Document
from kiosk.requests.records import Delivery, OutboxItem, send_by

if TYPE_CHECKING:
    from kiosk.central.models import Service

__all__ = ["SLIP_KIND", "slip_document"]

SLIP_KIND = "request_slip"


def _queued_note(tr: Translator, item: OutboxItem) -> str:
    deadline = send_by(item)
    if deadline is None:
        return tr._("slip.queued")
    return (
        tr._("slip.queued") + " " + tr._("submitted.send_by", time=tr.datetime(deadline.astimezone(VIETNAM)))
    )


def slip_document(
    tr: Translator,
    service: Service,
    item: OutboxItem,
    *,
    location: str,
    kiosk_id: str,
    hotline: str | None,
    tracking_url: str,
) -> Document:
    """The slip in the language the customer used (kept in the item). ``tracking_url`` holds ``{reference}``."""
    # With the first printout: its 16 dataclasses would cost every start ~15 ms.
    from kiosk.printing.documents import (
        Header,
        RequestSlip,
        RequestSlipLabels,
        request_slip,
    )

    tr = tr.in_language("en" if item.summary.get("language") == "en" else "vi")
    vietnamese = tr.language == "vi"
    queued = item.state is not Delivery.DELIVERED or item.tracking_code is None
    code = item.reference if queued else (item.tracking_code or item.reference)
    organisation = item.summary.get("corporation_vi" if vietnamese else "corporation_en") or tr._(
        "slip.organisation"
    )
    footer = tr._("slip.footer", hotline=hotline) if hotline else tr._("slip.footer.no_hotline")
    labels = RequestSlipLabels(
        title=tr._("slip.title"),
        service=tr._("slip.service"),
        tracking_code=tr._("slip.tracking_code"),
        reference=tr._("slip.reference"),
        queued=_queued_note(tr, item),
        submitted_at=tr._("slip.submitted_at"),
        customer_code=tr._("slip.customer_code"),
        expected=tr._("slip.expected"),
        documents=tr._("slip.documents"),
        scan_to_follow=tr._("slip.scan_to_follow"),
        footer=footer,
    )
    data = RequestSlip(
        header=Header(organisation=organisation.upper(), location=location, kiosk_id=kiosk_id),
        service=service.title.vi if vietnamese else service.title.en,
        code=code,
        queued=queued,
        tracking_url=tracking_url.replace("{reference}", code),
        submitted_at=item.created_at.astimezone(VIETNAM),
        customer_code=item.summary.get("customer_code") or None,
        expected=tr.ngettext("slip.working_days", service.max_working_days, n=service.max_working_days),
        documents=[paper.vi if vietnamese else paper.en for paper in service.documents],
    )
    return request_slip(data, labels)
