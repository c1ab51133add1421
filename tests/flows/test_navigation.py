"""The screen stack (kiosk.flows.navigation.Navigator) on its own: each move, what it leaves on the stack, and
exactly when listeners hear of it (a screen is shown once per change, never for a move that did nothing)."""

from __future__ import annotations

import pytest

from kiosk.flows.navigation import Navigator
from kiosk.flows.states import ScreenState
from kiosk.flows.states.bills import EnterCode
from kiosk.flows.states.frame import Feature, Home, IdleWarning, StaffCalled
from kiosk.flows.states.outages import OutageStart
from kiosk.flows.states.requests import TrackRequest


@pytest.fixture
def nav() -> Navigator:
    return Navigator()


@pytest.fixture
def heard(nav: Navigator) -> list[ScreenState]:
    states: list[ScreenState] = []
    nav.subscribe(states.append)
    return states


def walk(nav: Navigator, heard: list[ScreenState], *states: ScreenState) -> None:
    """``states`` pushed in turn; what the listener heard so far is forgotten."""
    for state in states:
        nav.go(state)
    heard.clear()


def test_the_kiosk_starts_at_home(nav: Navigator) -> None:
    assert nav.current == Home()
    assert nav.depth == 1
    assert nav.states == (Home(),)


def test_go_pushes_a_back_step_and_tells_the_listeners(nav: Navigator, heard: list[ScreenState]) -> None:
    nav.go(OutageStart())
    nav.go(EnterCode(purpose=Feature.OUTAGES))
    assert nav.states == (Home(), OutageStart(), EnterCode(purpose=Feature.OUTAGES))
    assert heard == [OutageStart(), EnterCode(purpose=Feature.OUTAGES)]


def test_replace_changes_the_top_without_a_back_step(nav: Navigator, heard: list[ScreenState]) -> None:
    walk(nav, heard, OutageStart(), EnterCode())
    nav.replace(EnterCode("PE"))
    nav.replace(EnterCode("PE0100", "0"))
    assert nav.states == (Home(), OutageStart(), EnterCode("PE0100", "0"))
    assert heard == [EnterCode("PE"), EnterCode("PE0100", "0")]


def test_replace_tells_the_listeners_even_of_an_equal_state(nav: Navigator, heard: list[ScreenState]) -> None:
    # A countdown or a cleared problem may be equal to what was there; the screen is refreshed all the same.
    walk(nav, heard, TrackRequest())
    nav.replace(TrackRequest())
    assert heard == [TrackRequest()]


def test_back_pops_one_step_and_tells_the_listeners_what_is_on_top(
    nav: Navigator, heard: list[ScreenState]
) -> None:
    walk(nav, heard, OutageStart(), EnterCode())
    nav.back()
    one_back = nav.states
    nav.back()
    assert one_back == (Home(), OutageStart())
    assert nav.states == (Home(),)
    assert heard == [OutageStart(), Home()]


def test_back_at_home_does_nothing_and_tells_nobody(nav: Navigator, heard: list[ScreenState]) -> None:
    nav.back()
    assert nav.states == (Home(),)
    assert heard == []


def test_home_clears_the_stack_and_tells_the_listeners(nav: Navigator, heard: list[ScreenState]) -> None:
    walk(nav, heard, OutageStart(), EnterCode(), IdleWarning(3))
    nav.home()
    assert nav.states == (Home(),)
    assert heard == [Home()]


def test_home_at_home_shows_home_again(nav: Navigator, heard: list[ScreenState]) -> None:
    # A wipe always ends on a freshly shown home screen, even when the customer never left it.
    nav.home()
    assert nav.states == (Home(),)
    assert heard == [Home()]


def test_back_to_a_depth_leaves_a_whole_mode_at_once(nav: Navigator, heard: list[ScreenState]) -> None:
    walk(nav, heard, OutageStart(), EnterCode(), StaffCalled(), IdleWarning(5))
    nav.back_to(3)
    out_of_the_call = nav.states
    nav.back_to(1)
    assert out_of_the_call == (Home(), OutageStart(), EnterCode())
    assert nav.states == (Home(),)
    assert heard == [EnterCode(), Home()]


@pytest.mark.parametrize("depth", [0, -1, 3, 4, 10])
def test_back_to_a_depth_that_is_not_below_the_top_does_nothing(
    nav: Navigator, heard: list[ScreenState], depth: int
) -> None:
    walk(nav, heard, OutageStart(), EnterCode())
    nav.back_to(depth)
    assert nav.states == (Home(), OutageStart(), EnterCode())
    assert heard == []


def test_states_is_a_snapshot_not_the_live_stack(nav: Navigator) -> None:
    before = nav.states
    nav.go(OutageStart())
    nav.home()
    nav.go(EnterCode())
    assert before == (Home(),)


def test_every_listener_hears_each_change_in_the_order_they_subscribed(nav: Navigator) -> None:
    log: list[str] = []
    nav.subscribe(lambda state: log.append(f"screen {type(state).__name__}"))
    nav.subscribe(lambda state: log.append(f"guidance {type(state).__name__}"))
    nav.go(OutageStart())
    nav.back()
    assert log == ["screen OutageStart", "guidance OutageStart", "screen Home", "guidance Home"]


def test_an_unsubscribed_listener_hears_nothing_more(nav: Navigator) -> None:
    heard: list[ScreenState] = []
    unsubscribe = nav.subscribe(heard.append)
    nav.go(OutageStart())
    unsubscribe()
    nav.go(EnterCode())
    nav.home()
    assert heard == [OutageStart()]


def test_a_listener_may_unsubscribe_while_being_told_and_the_others_still_hear(nav: Navigator) -> None:
    once: list[ScreenState] = []
    others: list[ScreenState] = []

    def hear_once(state: ScreenState) -> None:
        once.append(state)
        unsubscribe()

    unsubscribe = nav.subscribe(hear_once)
    nav.subscribe(others.append)
    nav.go(OutageStart())
    nav.go(EnterCode())
    assert once == [OutageStart()]
    assert others == [OutageStart(), EnterCode()]


def test_listeners_hear_the_state_after_the_move_is_complete(nav: Navigator) -> None:
    # A screen shown from a listener reads the navigator: the stack must already be as it will stay.
    seen: list[tuple[ScreenState, int]] = []
    nav.subscribe(lambda state: seen.append((nav.current, nav.depth)))
    nav.go(OutageStart())
    nav.replace(EnterCode())
    nav.back()
    nav.go(TrackRequest())
    nav.back_to(1)
    assert seen == [(OutageStart(), 2), (EnterCode(), 2), (Home(), 1), (TrackRequest(), 2), (Home(), 1)]


def test_swap_puts_an_outcome_under_the_screen_shown_over_it_silently(
    nav: Navigator, heard: list[ScreenState]
) -> None:
    waiting = EnterCode("PE")
    walk(nav, heard, waiting, StaffCalled())
    nav.swap(waiting, EnterCode("PE0100"))
    assert nav.states == (Home(), EnterCode("PE0100"), StaffCalled())
    assert heard == []  # the customer still looks at Call staff
    nav.back()
    assert heard == [EnterCode("PE0100")]


def test_swap_of_the_top_state_tells_the_listeners(nav: Navigator, heard: list[ScreenState]) -> None:
    waiting = EnterCode("PE")
    walk(nav, heard, waiting)
    nav.swap(waiting, EnterCode("PE0100"))
    assert nav.current == EnterCode("PE0100")
    assert heard == [EnterCode("PE0100")]


def test_swap_knows_a_state_by_itself_not_by_an_equal_one(nav: Navigator, heard: list[ScreenState]) -> None:
    # Only the very state a task was waiting on is changed: an equal state pushed since is another visit.
    walk(nav, heard, EnterCode("PE"))
    nav.swap(EnterCode("PE"), EnterCode("PE0100"))
    assert nav.states == (Home(), EnterCode("PE"))
    assert heard == []
