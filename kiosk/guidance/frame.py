"""What assisted mode says on the screens around every journey: home, and what the kiosk is waiting for."""

from __future__ import annotations

from typing import assert_never

from kiosk.flows.states.frame import Loading, Waiting
from kiosk.guidance.phrases import sentences
from kiosk.language.catalogs import Translator


# ---------------------------------------------------------------------------------------------- home, frame
def home(tr: Translator) -> str:
    return tr._(
        "say.home",
        bills=tr._("home.tile.bills"),
        outages=tr._("home.tile.outages"),
        requests=tr._("home.tile.requests"),
        track=tr._("home.tile.track_request"),
        staff=tr._("frame.call_staff"),
    )


def waiting_for(what: Waiting, tr: Translator) -> str:
    match what:
        case Waiting.ACCOUNT:
            return tr._("say.loading.account")
        case Waiting.HISTORY:
            return tr._("say.loading.history")
        case Waiting.CONSUMPTION:
            return tr._("say.loading.consumption")
        case Waiting.BILL_NOTICE:
            return tr._("say.loading.bill_notice")
        case Waiting.PAYMENT_METHODS:
            return tr._("say.loading.payment_methods")
        case Waiting.PAYMENT_QR:
            return tr._("say.loading.payment_qr")
        case Waiting.CANCELLING:
            return tr._("say.loading.cancelling")
        case Waiting.SERVICES:
            return tr._("say.loading.services")
        case Waiting.SENDING_OTP:
            return tr._("say.loading.sending_otp")
        case Waiting.CHECKING_OTP:
            return tr._("say.loading.checking_otp")
        case Waiting.SENDING_REQUEST:
            return tr._("say.loading.sending_request")
        case Waiting.REQUEST_STATUS:
            return tr._("say.loading.request_status")
        case Waiting.OUTAGES:
            return tr._("say.loading.outages")
        case Waiting.SENDING_REPORT:
            return tr._("say.loading.sending_report")
        case _:
            assert_never(what)


def loading(state: Loading, tr: Translator) -> str:
    # What is being sent is already saved on the kiosk and cannot be stopped (the screen hides Stop waiting).
    if state.what in (Waiting.SENDING_REQUEST, Waiting.SENDING_REPORT):
        after = tr._("say.loading.saved")
    else:
        after = tr._("say.loading.wait", button=tr._("loading.cancel"))
    return sentences(waiting_for(state.what, tr), after)
