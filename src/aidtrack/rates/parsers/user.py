"""A user's own rates as a rate source: a CSV file or a pandas DataFrame of date, currency, rate.

The table is long: one row per (date, currency), with its base currency given
by the caller::

    date,currency,rate
    2025-01-09,USD,1.0305
    2025-01-09,CAD,1.4831

``quote="per_base"`` (the default, the ECB's direction) means ``rate`` is units
of the currency per one unit of ``base`` (USD 1.0305 per EUR).
``quote="base_per_unit"`` means the opposite (CAD 1.3678 per USD, the Bank of
Canada's direction); such rates are kept as given, averaged as given, and a
conversion divides by them (see :class:`~aidtrack.rates.table.RateTable`,
``quoted_in_base``, and :mod:`aidtrack.conversion`).

Every row is checked; all bad rows are reported together with their line
numbers, and nothing is loaded from a file with a bad row. A row for the base
currency itself must have rate 1. The result is a
:class:`~aidtrack.rates.table.RateTable`, which is itself a rate source.

>>> import io
>>> t = read_rate_table_csv(io.StringIO("date,currency,rate\\n2025-01-09,USD,1.0305\\n"), base="EUR")
>>> from aidtrack import convert
>>> convert(1000, "EUR", to="USD", on="2025-01-09", source=t).result
Money('1030.50', 'USD')
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Literal

from aidtrack._dates import parse_iso_date
from aidtrack.amounts import to_decimal
from aidtrack.currency import normalize_currency
from aidtrack.errors import InvalidArgumentError, RateDataError, UnknownCurrencyError
from aidtrack.rates.table import RateTable, rate_problem

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Quote", "rate_table_from_frame", "read_rate_table_csv"]

Quote = Literal["per_base", "base_per_unit"]
_MAX_SHOWN = 20


class _Bad:
    """A row already known to be bad, and why."""

    def __init__(self, reason: str) -> None:
        self.reason = reason


def _check_quote(quote: str) -> None:
    if quote not in ("per_base", "base_per_unit"):
        raise InvalidArgumentError("quote", quote, f"quote must be 'per_base' or 'base_per_unit', got {quote!r}")


def _build(
    rows: Iterable[tuple[int, Any, Any, Any]],
    *,
    base: str,
    quote: Quote,
    key: str,
    name: str,
    url: str | None,
    sha256: str | None,
    line_word: str,
) -> RateTable:
    _check_quote(quote)
    base = normalize_currency(base)
    good: list[tuple[date, str, Decimal]] = []
    problems: list[str] = []
    seen: dict[tuple[date, str], Decimal] = {}  # checked here, so that a problem names its own line
    for n, day, currency, rate in rows:
        if isinstance(rate, _Bad):
            problems.append(f"{line_word} {n}: {rate.reason}")
            continue
        try:
            d = parse_iso_date(day.to_pydatetime() if hasattr(day, "to_pydatetime") else day)
            cur = normalize_currency(str(currency).strip())
            value = to_decimal(rate.strip() if isinstance(rate, str) else rate, what="rate", limit=False)
            if (problem := rate_problem(value, cur, base, rate)) is not None:
                raise ValueError(problem)
            if seen.setdefault((d, cur), value) != value:
                raise ValueError(f"two different {cur} rates for {d.isoformat()}: {seen[d, cur]} and {value}")
        except (ValueError, UnknownCurrencyError) as exc:
            problems.append(f"{line_word} {n}: {exc}")
            continue
        good.append((d, cur, value))
    if problems:
        shown = "\n  ".join(problems[:_MAX_SHOWN])
        more = f"\n  ... and {len(problems) - _MAX_SHOWN} more" if len(problems) > _MAX_SHOWN else ""
        raise RateDataError(f"{len(problems)} bad row(s), nothing loaded:\n  {shown}{more}", where=name)
    return RateTable.from_rows(
        good, base=base, key=key, name=name, url=url, sha256=sha256, quoted_in_base=quote == "base_per_unit"
    )


def read_rate_table_csv(
    file: str | os.PathLike[str] | IO[str],
    *,
    base: str,
    quote: Quote = "per_base",
    date_column: str = "date",
    currency_column: str = "currency",
    rate_column: str = "rate",
    delimiter: str = ",",
    key: str = "user",
    name: str | None = None,
) -> RateTable:
    """Read a long CSV of rates (columns ``date``, ``currency``, ``rate`` by default) against ``base``.

    Dates are ``YYYY-MM-DD``; rates plain decimals. The SHA-256 of the file's
    bytes is recorded in the table's provenance.
    """
    if isinstance(file, str | os.PathLike):
        path = Path(file)
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise RateDataError(f"not UTF-8 text (byte {exc.start})", where=str(path)) from None
        label = name or f"rates from {path.name}"
        url: str | None = path.resolve().as_uri()
        digest: str | None = hashlib.sha256(raw).hexdigest()
    else:
        text = file.read()
        label = name or "user rate table"
        url = None
        digest = hashlib.sha256(text.encode()).hexdigest()
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise RateDataError("the file is empty: expected a header line", where=label) from None
    wanted = (date_column, currency_column, rate_column)
    missing = [c for c in wanted if c not in header]
    if missing:
        raise RateDataError(
            f"missing column(s) {', '.join(missing)}: the header has {', '.join(header) or 'nothing'}; "
            f"expected {', '.join(wanted)} (or pass date_column=, currency_column=, rate_column=)",
            where=label,
            line=1,
        )
    di, ci, ri = (header.index(c) for c in wanted)

    def rows() -> Iterable[tuple[int, Any, Any, Any]]:
        try:
            for row in reader:
                n = reader.line_num
                if not any(cell.strip() for cell in row):
                    continue
                if len(row) != len(header):
                    yield n, None, None, _Bad(f"expected {len(header)} fields, got {len(row)}")
                    continue
                yield n, row[di], row[ci], row[ri]
        except csv.Error as exc:
            raise RateDataError(f"malformed CSV ({exc})", where=label, line=reader.line_num) from None

    return _build(rows(), base=base, quote=quote, key=key, name=label, url=url, sha256=digest, line_word="line")


def rate_table_from_frame(
    frame: pd.DataFrame,
    *,
    base: str,
    quote: Quote = "per_base",
    date_column: str = "date",
    currency_column: str = "currency",
    rate_column: str = "rate",
    key: str = "user",
    name: str = "user rate table",
) -> RateTable:
    """A table from a DataFrame with date, currency and rate columns (rates per ``base``).

    Dates may be ``datetime.date``, midnight timestamps or ``YYYY-MM-DD``
    strings; rates ``Decimal``, ints, floats (read through ``str``, so 1.0305
    stays 1.0305) or strings. A missing value is an error naming its row.
    """
    columns: Sequence[str] = list(frame.columns)
    wanted = (date_column, currency_column, rate_column)
    missing = [c for c in wanted if c not in columns]
    if missing:
        raise RateDataError(
            f"missing column(s) {', '.join(missing)}: the frame has {', '.join(map(str, columns))}", where=name
        )
    sub = frame[list(wanted)]

    def rows() -> Iterable[tuple[int, Any, Any, Any]]:
        for label, (day, cur, rate) in zip(sub.index, sub.itertuples(index=False, name=None), strict=True):
            if rate is None or (isinstance(rate, float) and rate != rate):
                yield label, day, cur, _Bad("the rate is missing (NaN); drop the row or fill it")
            else:
                yield label, day, cur, rate

    return _build(rows(), base=base, quote=quote, key=key, name=name, url=None, sha256=None, line_word="row")
