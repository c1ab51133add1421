"""The units a kiosk offers on its customer-code screen (``[[units]]``): loaded in order, every mistake named with
the key and the entry, and the unit-code rule the same as the customer-code rule the kiosk checks codes with."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.config import ConfigError, load_settings
from kiosk.config.settings import MAX_UNITS, UnitSettings
from kiosk.customer.code import PREFIXES, UNIT_LENGTH, is_unit_code
from kiosk.demo.settings import DEMO_UNITS, demo_overrides
from kiosk_central.demo import CUSTOMERS
from tests.config.test_config import MINIMAL, REQUIRED, write

UNITS_TOML = """
[[units]]
code = "PC05CC"
name = "Điện lực Hội An"

[[units]]
code = "PE0100"
name = "Điện lực Sài Gòn"
"""


def _units(value: object) -> tuple[UnitSettings, ...]:
    return load_settings(None, {"HOME": "/nonexistent"}, overrides={**REQUIRED, "units": value}).units


def _problem(value: object) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        _units(value)
    assert caught.value.key == "units"
    return caught.value


def test_units_load_from_the_file_in_their_order(tmp_path: Path) -> None:
    # [[units]] after the top-level keys: TOML puts the [central] that follows in its own table.
    path = write(tmp_path, MINIMAL.replace("\n[central]", UNITS_TOML + "\n[central]"))
    settings = load_settings(path, {"HOME": str(tmp_path)})
    assert settings.units == (
        UnitSettings(code="PC05CC", name="Điện lực Hội An"),
        UnitSettings(code="PE0100", name="Điện lực Sài Gòn"),
    )
    assert settings.central.url == REQUIRED["central.url"]


def test_no_units_by_default(tmp_path: Path) -> None:
    assert load_settings(write(tmp_path, MINIMAL), {"HOME": str(tmp_path)}).units == ()


def test_units_from_the_environment_as_inline_tables(tmp_path: Path) -> None:
    env = {
        "HOME": str(tmp_path),
        "KIOSK__KIOSK_ID": "K-1",
        "KIOSK__CENTRAL__URL": "https://central.test",
        "KIOSK__CENTRAL__TOKEN": "t",
        "KIOSK__UNITS": '[{code = "PA02DH", name = "Điện lực Đoan Hùng"}]',
    }
    assert load_settings(None, env).units == (UnitSettings(code="PA02DH", name="Điện lực Đoan Hùng"),)


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ([{"code": "PZ05CC", "name": "x"}], "entry 1, code: must be a unit code"),
        (
            [{"code": "PC05CC", "name": "x"}, {"code": "pc05cc", "name": "y"}],
            "entry 2, code: must be a unit code",
        ),
        ([{"code": "PC05C", "name": "x"}], "entry 1, code: must be a unit code"),
        ([{"code": "PC05CC0123456", "name": "x"}], "entry 1, code: must be a unit code"),  # a customer code
        ([{"code": "PC05CC", "name": "x"}, {"code": "PC05CC", "name": "y"}], "lists the unit PC05CC twice"),
        ([{"code": "PC05CC"}], "entry 1, name: is required"),
        ([{"code": "PC05CC", "name": ""}], "entry 1, name: must not be empty"),
        ([{"code": "PC05CC", "name": " Hội An"}], "entry 1, name: must not start or end with spaces"),
        (
            [{"code": "PC05CC", "name": "Điện lực " + "x" * 40}],
            "entry 1, name: must be at most 40 characters",
        ),
        ([{"code": "PC05CC", "name": "x", "nmae": "y"}], "entry 1, nmae: unknown key"),
        ([{"code": 5, "name": "x"}], "entry 1, code: must be text"),
        (["PC05CC"], "entry 1: must be a table ([[units]] in the file)"),
        ("PC05CC", "must be a list of tables ([[units]] in the file)"),
        ([{"code": f"PC05C{n}", "name": "x"} for n in range(MAX_UNITS + 1)], f"may list at most {MAX_UNITS}"),
    ],
)
def test_each_mistake_is_named_with_its_entry(value: object, says: str) -> None:
    assert says in _problem(value).problem


def test_a_mistake_in_the_file_says_where(tmp_path: Path) -> None:
    bad = UNITS_TOML.replace('"PE0100"', '"PE01"')
    path = write(tmp_path, MINIMAL.replace("\n[central]", bad + "\n[central]"))
    with pytest.raises(ConfigError) as caught:
        load_settings(path, {"HOME": str(tmp_path)})
    assert (caught.value.key, caught.value.source) == ("units", str(path))
    assert caught.value.problem.startswith("entry 2, code: must be a unit code")


@given(
    st.from_regex(r"P[A-Z][0-9A-Z]{4}", fullmatch=True)
    | st.text(alphabet="PABCDEHKMNQZ0123456789ĐÂ-", min_size=4, max_size=8)
)
def test_the_configs_unit_rule_is_the_customer_codes(code: str) -> None:
    """The config sits below kiosk.customer in the layers, so it spells the prefixes out itself."""
    try:
        _units([{"code": code, "name": "Điện lực"}])
    except ConfigError:
        accepted = False
    else:
        accepted = True
    assert accepted == is_unit_code(code)


def test_every_prefix_is_allowed() -> None:
    assert [
        unit.code for unit in _units([{"code": p + "0100", "name": "x"} for p in PREFIXES[:MAX_UNITS]])
    ] == [p + "0100" for p in PREFIXES[:MAX_UNITS]]


def test_the_demo_offers_the_unit_of_every_demo_customer_by_its_name() -> None:
    settings = load_settings(
        None, {"HOME": "/nonexistent"}, overrides=demo_overrides("http://127.0.0.1:9", "t", Path("/d"))
    )
    offered = {unit.code: unit.name for unit in settings.units}
    assert offered == dict(DEMO_UNITS)
    for customer in CUSTOMERS:
        unit = customer.code[:UNIT_LENGTH]
        assert unit == customer.district_unit
        assert offered[unit] == customer.district_vi
    assert any(not code.isdigit() for code in (unit[2:] for unit in offered)), "a unit code with letters"
