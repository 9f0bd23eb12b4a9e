"""A generated bad-input suite: every case must be refused with an AidtrackError whose message names the value.

No traceback (any other exception fails the case), no silent result (a returned value fails the case),
and the refusal names the bad value (its text or repr appears in the message). Cases cover numbers,
currencies, dates, policies, pledge files and CLI arguments; the suite runs in a few seconds.
"""

from __future__ import annotations

import contextlib
import io
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from aidtrack import Money, convert
from aidtrack.errors import AidtrackError
from aidtrack.files.csvfile import read_pledges_csv
from aidtrack.rates.staleness import Staleness


@dataclass(frozen=True)
class Case:
    kind: str
    value: Any
    run: Callable[[Any], object]

    def __str__(self) -> str:
        return f"{self.kind}:{self.value!r}"[:60]


def _numbers() -> list[Any]:
    junk = ["abc", "1,5", "1.2.3", "0x10", "--5", "5-", "1e", "e5", "١٢٣x", "5 EUR", "€5", "5€", "1 000", "∞", "½"]
    specials: list[Any] = ["NaN", "nan", "-NaN", "sNaN", "inf", "-inf", "Infinity", "-Infinity", "", " ", "\t", "+"]
    huge = ["1e30", "-1e30", "9.9e999999", "1e100", "-7.5e31", "1" * 31, "9" * 61, "0." + "1" * 61]
    objects: list[Any] = [
        True,
        False,
        None,
        [],
        {},
        [5],
        {"amount": 5},
        complex(1, 1),
        object,
        float("nan"),
        float("inf"),
        -float("inf"),
        1e300,
        -1e31,
        Decimal("NaN"),
        Decimal("Infinity"),
        Decimal("-Infinity"),
        Decimal("1e30"),
        np.bool_(True),
        np.float64("nan"),
        np.float32("inf"),
        np.float64(1e300),
        b"5",
        bytearray(b"5"),
    ]
    wrapped = [f"{a}{n}{b}" for n in ("5", "1.5") for a, b in (("(", ""), ("", "%"), ("$", ""), ("", "k"), ("x", "y"))]
    return junk + specials + huge + objects + wrapped


def _currencies() -> list[Any]:
    base = [
        "",
        " ",
        "EURO",
        "EU",
        "E",
        "eu r",
        "US D",
        "12",
        "1US",
        "€",
        "$",
        "Dollar",
        "US$",
        "ZZZ",
        "QQQ",
        "ABC",
        "XYZ",
        "EUR1",
        "EUR-",
        "-EUR",
        "E\u0301UR",
        "ЕUR",
        "EUR\x00",
        "usdollar",
        "None",
        "null",
        "0",
        "DM",
    ]
    return [*base, None, 5, 1.5, True, [], ("EUR",), b"EUR"]


def _dates() -> list[Any]:
    return [
        "2025-13-01",
        "2025-02-30",
        "2025-00-10",
        "2025-1-9",
        "09/01/2025",
        "2025/01/09",
        "yesterday",
        "",
        " ",
        "20250109",
        "2025-01-09T10:00",
        "2025-W02",
        "1999-01-01",
        "2999-01-01",
        "0001-01-01",
        "9999-12-31",
        "2025-01-32",
        "2025-04-31",
        "2023-02-29",
        "-2025-01-09",
        "2025-01-09x",
        None,
        20250109,
        2025.0,
        True,
    ]


def _policies() -> list[Any]:
    return [
        "dialy",
        "DAILY!",
        "monthly",
        "month",
        "annual",
        "yearly_mean",
        "",
        " ",
        "mean",
        "fixed",
        "fixed:2025",
        "fixed_date",
        "spot",
        "latest",
        "weekly_mean",
        5,
        1.5,
        True,
        [],
        "daily;drop table",
        "monthly mean",
    ]


def _message_names(value: Any, message: str) -> bool:
    texts = {repr(value), str(value)}
    if isinstance(value, str):
        texts |= {value.strip()} if value.strip() else set()
    if isinstance(value, float | np.floating):
        texts |= {repr(float(value)), f"{float(value):g}"}
    if isinstance(value, Decimal):
        texts.add(str(value))
    if isinstance(value, str):  # a JSON number is shown as the Decimal it is ("1e30" as 1E+30)
        with contextlib.suppress(ArithmeticError):
            texts.add(str(Decimal(value.strip())))
    return any(t and t in message for t in texts) or (isinstance(value, str) and not value.strip())


def _money(value: Any) -> object:
    return Money(value, "EUR")


def _money_currency(value: Any) -> object:
    return Money(5, value)


def _convert_amount(value: Any) -> object:
    return convert(value, "USD", to="EUR", on="2025-01-09")


def _convert_currency(value: Any) -> object:
    return convert(5, value, to="EUR", on="2025-01-09")


def _convert_target(value: Any) -> object:
    return convert(5, "USD", to=value, on="2025-01-09")


def _convert_date(value: Any) -> object:
    return convert(5, "USD", to="EUR", on=value)


def _convert_policy(value: Any) -> object:
    return convert(5, "USD", to="EUR", on="2025-01-09", policy=value)


def _money_json(value: Any) -> object:
    import json

    raw = isinstance(value, str) and value.strip(" -+0123456789.eE") == ""  # a JSON number as written
    text = value if raw else json.dumps(value)
    return Money.model_validate_json('{"amount": ' + text + ', "currency": "EUR"}')


def _csv_field(column: str) -> Callable[[Any], object]:
    def run(value: Any) -> object:
        row = {"donor": "Canada", "date": "2025-01-09", "amount": "5", "currency": "EUR", column: str(value)}
        line = ",".join('"' + row[c].replace('"', '""') + '"' for c in ("donor", "date", "amount", "currency"))
        return read_pledges_csv(io.StringIO("donor,date,amount,currency\n" + line + "\n"))

    return run


def _staleness(value: Any) -> object:
    return Staleness.parse(value)


def _cli(command: list[str]) -> Callable[[Any], object]:
    def run(value: Any) -> object:
        from aidtrack.cli.app import main

        argv = [str(value) if a == "{}" else a for a in command]
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            try:
                code = main(argv, out=io.StringIO())
            except SystemExit as exc:  # argparse: a usage error, status 2
                code = int(exc.code or 0)
        if code == 0:
            return f"exit 0 for {argv}"
        raise _CliRefusal(err.getvalue())

    return run


class _CliRefusal(AidtrackError):
    """The CLI refused (non-zero exit); the message is its stderr."""


def _cases() -> list[Case]:
    cases: list[Case] = []
    nums = _numbers()
    cases += [Case("Money amount", v, _money) for v in nums]
    cases += [Case("convert amount", v, _convert_amount) for v in nums]
    cases += [Case("JSON amount", v, _money_json) for v in nums if isinstance(v, str) and v.strip()]
    # the CSV reader reads a decimal comma and grouped thousands (issue 14: "1,5" is 1.5, "1 000" is 1000)
    readable = ("1,5", "1 000")
    cases += [
        Case("CSV amount", v, _csv_field("amount"))
        for v in nums
        if isinstance(v, str) and v.strip() and v not in readable
    ]
    curs = _currencies()
    cases += [Case("Money currency", v, _money_currency) for v in curs]
    cases += [Case("convert from", v, _convert_currency) for v in curs]
    cases += [Case("convert to", v, _convert_target) for v in curs if v is not None]
    cases += [Case("CSV currency", v, _csv_field("currency")) for v in curs if isinstance(v, str) and v.strip()]
    dates = _dates()
    # A date-time is a good conversion date since issue 15 (the time of day is dropped), a bad record date.
    conversion_dates = [v for v in dates if v != "2025-01-09T10:00"]
    cases += [Case("convert on", v, _convert_date) for v in conversion_dates]
    calendar_only = ("1999-01-01", "2999-01-01", "0001-01-01", "9999-12-31")  # fine pledge dates, not convertible
    cases += [
        Case("CSV date", v, _csv_field("date"))
        for v in dates
        if isinstance(v, str) and v.strip() and v not in calendar_only
    ]
    pols = _policies()
    cases += [Case("policy", v, _convert_policy) for v in pols]
    cases += [
        Case("staleness", v, _staleness) for v in ["inf", "-inf", "nan", "-1h", "1e400d", "12x", "h", "", "1 week"]
    ]
    cli_amounts = [v for v in nums if isinstance(v, str) and v.strip() and not v.startswith("-")]
    cases += [
        Case("CLI amount", v, _cli(["convert", "{}", "EUR", "--to", "JPY", "--on", "2025-01-09"])) for v in cli_amounts
    ]
    cases += [
        Case("CLI currency", v, _cli(["convert", "5", "{}", "--to", "JPY", "--on", "2025-01-09"]))
        for v in curs
        if isinstance(v, str) and v.strip() and not v.startswith("-") and "\x00" not in v
    ]
    cases += [
        Case("CLI date", v, _cli(["convert", "5", "EUR", "--to", "JPY", "--on", "{}"]))
        for v in conversion_dates
        if isinstance(v, str) and v.strip() and not v.startswith("-")
    ]
    cases += [
        Case("CLI policy", v, _cli(["convert", "5", "EUR", "--to", "JPY", "--on", "2025-01-09", "--policy", "{}"]))
        for v in pols
        if isinstance(v, str) and v.strip()
    ]
    return cases


CASES = _cases()


def test_the_suite_is_large_enough() -> None:
    assert len(CASES) >= 500, len(CASES)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_bad_input_is_refused_naming_the_value(case: Case, tmp_path: Path) -> None:
    try:
        result = case.run(case.value)
    except AidtrackError as exc:
        message = str(exc)
        assert _message_names(case.value, message), f"{case}: the message does not name the value: {message}"
        assert "Traceback" not in message
        return
    pytest.fail(f"{case}: accepted silently, giving {result!r}")


def test_combinations_of_bad_fields_are_all_reported() -> None:
    bad = list(itertools.product(["abc", "1e30"], ["EURO", "12"], ["2025-13-01", "yesterday"]))
    text = "donor,date,amount,currency\n" + "".join(f"Canada,{d},{a},{c}\n" for a, c, d in bad)
    with pytest.raises(AidtrackError, match=f"{len(bad)} bad rows") as info:
        read_pledges_csv(io.StringIO(text))
    for n, (a, c, _) in enumerate(bad, start=2):
        line = next(p for p in str(info.value).splitlines() if p.strip().startswith(f"line {n}:"))
        assert a in line and c in line
