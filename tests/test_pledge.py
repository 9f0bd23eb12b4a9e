"""Pledge records: validation naming field and value, stable ids, JSON round trip."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest

from aidtrack import Category, Donor, InvalidRecordError, Measure, Money, Pledge, Qualifier
from aidtrack.pledge import DateRange, country_code


def make(**kw: object) -> Pledge:
    data: dict[str, object] = {"donor": "Canada", "announced": "2025-01-09", "amount": Money(440_000_000, "CAD")}
    data.update(kw)
    return Pledge(**data)  # type: ignore[arg-type]


def test_defaults_and_inferred_country() -> None:
    p = make()
    assert p.donor == Donor(name="Canada", country="CA")
    assert p.recipient == "Ukraine"
    assert p.category is Category.OTHER and p.measure is Measure.COMMITMENT and p.qualifier is Qualifier.EXACT
    assert p.announced == date(2025, 1, 9)


def test_donor_that_is_not_a_country() -> None:
    p = make(donor={"name": "European Investment Bank"})
    assert p.donor.country is None
    assert make(donor={"name": "EU institutions", "country": "eu"}).donor.country == "EU"


def test_country_names_in_two_languages() -> None:
    assert country_code("Norwegen") == "NO"
    assert country_code("United States") == "US"
    assert country_code("USA") == "US"
    assert country_code("Ramstein") is None


@pytest.mark.parametrize(
    ("field", "value", "needle"),
    [
        ("amount", Money(-5, "EUR"), "greater than zero"),
        ("amount", Money(0, "EUR"), "greater than zero"),
        ("announced", "2025-13-01", "2025-13-01"),
        ("announced", "09/01/2025", "09/01/2025"),
        ("announced", 1736380800, "date"),
        ("announced", datetime(2025, 1, 9, 12, 30), "date-time"),
        ("category", "weapons", "weapons"),
        ("qualifier", "roughly", "roughly"),
        ("measure", "promised", "promised"),
        ("donor", {"name": "  "}, "empty"),
        ("donor", {"name": "X", "country": "XX"}, "XX"),
        ("period", {"start": "2025-12-31", "end": "2025-01-01"}, "before its start"),
        ("source", {"url": "ftp://x"}, "ftp://x"),
    ],
)
def test_invalid_values_name_field_and_value(field: str, value: object, needle: str) -> None:
    with pytest.raises(InvalidRecordError) as err:
        make(**{field: value})
    assert needle in str(err.value)
    assert any(p.field.startswith(field) for p in err.value.problems)


def test_unknown_currency_in_amount_mapping() -> None:
    with pytest.raises(InvalidRecordError, match="XYZ"):
        make(amount={"amount": "1", "currency": "XYZ"})


def test_extra_fields_are_rejected() -> None:
    with pytest.raises(InvalidRecordError, match="colour"):
        make(colour="red")


def test_enum_values_are_case_insensitive() -> None:
    assert make(category="Military", qualifier="AT_LEAST").category is Category.MILITARY


def test_immutable() -> None:
    p = make()
    with pytest.raises(AttributeError, match="immutable"):
        p.notes = "x"  # type: ignore[misc]
    with pytest.raises(AttributeError, match="immutable"):
        del p.notes
    changed = p.replace(notes="x")
    assert changed.notes == "x" and p.notes is None and changed.id != p.id
    with pytest.raises(InvalidRecordError, match="greater than zero"):
        p.replace(amount=Money(-1, "CAD"))


def test_id_is_stable_for_same_content() -> None:
    assert make().id == make().id
    assert make(amount=Money("2e9", "EUR")).id == make(amount=Money("2000000000.00", "EUR")).id
    assert make().id != make(notes="changed").id
    assert len(make().id) == 16


def test_json_round_trip() -> None:
    p = make(
        category="military",
        qualifier="at_least",
        period=DateRange(start=date(2025, 1, 1), end=date(2025, 12, 31)),
        source={"url": "https://example.org/a", "title": "T", "publisher": "P"},
        notes="n",
    )
    text = p.model_dump_json()
    data = json.loads(text)
    assert data["id"] == p.id and data["amount"] == {"amount": "440000000", "currency": "CAD"}
    assert Pledge.model_validate_json(text) == p
    assert Pledge.model_validate(data) == p


def test_tampered_id_is_detected() -> None:
    data = json.loads(make().model_dump_json())
    data["notes"] = "edited"
    with pytest.raises(InvalidRecordError, match="does not match"):
        Pledge.model_validate(data)
    del data["id"]
    assert Pledge.model_validate(data).notes == "edited"


def test_json_schema_names_every_field() -> None:
    props = Pledge.model_json_schema()["properties"]
    assert {"donor", "announced", "amount", "category", "measure", "qualifier", "period", "source", "notes"} <= set(
        props
    )


def test_bound_qualifiers() -> None:
    assert Qualifier.AT_LEAST.is_bound and Qualifier.AT_MOST.is_bound
    assert not Qualifier.APPROXIMATELY.is_bound and not Qualifier.EXACT.is_bound
