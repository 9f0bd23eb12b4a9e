"""IATI activity files: every transaction, budget and planned disbursement, with its currency and value-date.

An `IATI <https://iatistandard.org/>`_ activity file (``<iati-activities>``)
holds activities, and each activity holds money: ``transaction`` (commitments,
disbursements, expenditure, ...), ``budget`` and ``planned-disbursement``
elements, each with one ``value``::

    <iati-activity default-currency="GBP" humanitarian="1">
      <iati-identifier>GB-GOV-1-300123</iati-identifier>
      <transaction>
        <transaction-type code="3"/>
        <transaction-date iso-date="2012-01-05"/>
        <value currency="EUR" value-date="2012-01-01">1000</value>
      </transaction>
    </iati-activity>

:func:`read` streams such a file into a DataFrame with one row per value, and
:func:`convert` converts each row at its **value-date**, "the date to be used
for determining the exchange rate for currency conversions" in the standard's
words (see the methodology page ``docs/methodology/iati.md``).

**Rules.** The amount is the value's text read as an exact ``Decimal`` (never a
float). The currency is the value's own ``@currency``, else the activity's
``@default-currency`` (``currency_from`` says which). A value without any
currency, without a ``@value-date``, with a value-date after ``today``, with an
amount that is not a decimal number, or with a currency that is not an ISO 4217
code is a *problem*: it is reported with the activity identifier and the
element path (``iati-activities/iati-activity[3]/transaction[2]/value``),
never filled in by a guess. With ``errors="raise"`` (the default)
:class:`~aidtrack.errors.BadRecordsError` lists every problem and nothing is
returned; with ``errors="coerce"`` every row comes back and a ``problem``
column says what is wrong with the bad ones (:func:`problems` gives the report).

**Versions.** The reader takes IATI 2.01 to 2.03 and the 1.0x versions. Where
1.0x differs it follows the 1.0x schema: organisation names are the element's
text instead of ``<narrative>`` children, and transaction types are letter codes
(``C`` commitment, ``D`` disbursement, ``E`` expenditure, ``IF`` incoming
funds, ...) instead of the 2.x numbers (``2`` outgoing commitment, ``3``
disbursement, ...). The two code lists do not overlap, so ``type_name`` is
looked up without relying on the declared version (which is kept in the
``version`` column). The ``@humanitarian`` flags exist from 2.02 on.

**Hardened XML.** The file is parsed with ``defusedxml`` (expat underneath), in
a stream, one activity at a time: a file that declares a DTD, entities or
external references is refused as a whole with
:class:`~aidtrack.errors.UnsafeXmlError` (so a "billion laughs" entity bomb is
never expanded and an external entity is never fetched); IATI files need none
of these. Malformed XML raises :class:`~aidtrack.errors.DataFormatError` with
the line and column.

>>> xml = b'''<iati-activities version="2.03">
...   <iati-activity default-currency="EUR">
...     <iati-identifier>XM-EXAMPLE-1</iati-identifier>
...     <transaction>
...       <transaction-type code="3"/>
...       <transaction-date iso-date="2012-01-05"/>
...       <value currency="USD" value-date="2012-01-01">1000.50</value>
...     </transaction>
...   </iati-activity>
... </iati-activities>'''
>>> df = read(xml)
>>> df.loc[0, ["activity", "type_name", "amount", "currency", "value_date"]].tolist()
['XM-EXAMPLE-1', 'Disbursement', Decimal('1000.50'), 'USD', Timestamp('2012-01-01 00:00:00')]
>>> df.loc[0, "path"]
'iati-activities/iati-activity[1]/transaction[1]/value'
"""

from __future__ import annotations

import io
import os
import re
from collections import defaultdict
from collections.abc import Iterator, Sequence
from datetime import date
from decimal import Decimal
from typing import IO, TYPE_CHECKING, Any, Literal, TypeAlias

import numpy as np
import pandas as pd

from aidtrack._options import check_errors
from aidtrack.currency import normalize_currency
from aidtrack.errors import (
    AidtrackError,
    BadRecordsError,
    DataFormatError,
    InvalidArgumentError,
    RecordProblem,
    UnsafeXmlError,
)
from aidtrack.frames.rows import date_column

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

    from aidtrack.amounts import Rounding
    from aidtrack.policy import PolicyLike
    from aidtrack.rates.sources import SourceLike

__all__ = [
    "BUDGET_TYPES",
    "COLUMNS",
    "ELEMENTS",
    "TRANSACTION_TYPES",
    "Source",
    "ValueElement",
    "convert",
    "problems",
    "read",
]

ValueElement: TypeAlias = Literal["transaction", "budget", "planned-disbursement"]
"""The money-carrying elements of an IATI activity that :func:`read` can take."""
ELEMENTS: tuple[ValueElement, ...] = ("transaction", "budget", "planned-disbursement")
"""The elements :func:`read` takes by default (all of them)."""
Source: TypeAlias = "str | os.PathLike[str] | bytes | IO[bytes]"
"""A path, the file's bytes, or a binary file object."""

TRANSACTION_TYPES: dict[str, str] = {
    # IATI 2.x TransactionType codelist
    "1": "Incoming Funds",
    "2": "Outgoing Commitment",
    "3": "Disbursement",
    "4": "Expenditure",
    "5": "Interest Payment",
    "6": "Loan Repayment",
    "7": "Reimbursement",
    "8": "Purchase of Equity",
    "9": "Sale of Equity",
    "10": "Credit Guarantee",
    "11": "Incoming Commitment",
    "12": "Outgoing Pledge",
    "13": "Incoming Pledge",
    # IATI 1.0x TransactionType codelist (letter codes)
    "C": "Commitment",
    "D": "Disbursement",
    "E": "Expenditure",
    "IF": "Incoming Funds",
    "IR": "Interest Repayment",
    "LR": "Loan Repayment",
    "R": "Reimbursement",
    "QP": "Purchase of Equity",
    "QS": "Sale of Equity",
    "CG": "Credit Guarantee",
}
"""Names of the transaction-type codes of IATI 2.x (numbers) and 1.0x (letters)."""
BUDGET_TYPES: dict[str, str] = {"1": "Original", "2": "Revised"}
"""Names of the BudgetType codes (``budget/@type`` and, from 2.01, ``planned-disbursement/@type``)."""

COLUMNS = (
    "activity",
    "reporting_org_ref",
    "reporting_org",
    "element",
    "type",
    "type_name",
    "amount",
    "currency",
    "currency_from",
    "value_date",
    "transaction_date",
    "period_start",
    "period_end",
    "provider_org_ref",
    "provider_org",
    "receiver_org_ref",
    "receiver_org",
    "humanitarian",
    "version",
    "path",
)
"""The columns of :func:`read`, in order (``problem`` follows with ``errors="coerce"``)."""
_DATE_COLUMNS = ("value_date", "transaction_date", "period_start", "period_end")

_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
"""xsd:decimal: ASCII digits with an optional sign and point; no exponent, no thousands separators."""
_XSD_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})(?:Z|[+-]\d{2}:\d{2})?")
_TRUE = ("1", "true")
_FALSE = ("0", "false")


# ---------------------------------------------------------------------------
# Reading


def read(
    file: Source,
    elements: ValueElement | Sequence[ValueElement] = ELEMENTS,
    today: date | str | None = None,
    *,
    errors: Literal["raise", "coerce"] = "raise",
) -> pd.DataFrame:
    """Read the values of an IATI activity file into a DataFrame, one row per value.

    ``file`` is a path, the file's bytes or a binary file object.
    ``elements`` picks ``transaction``, ``budget`` and/or
    ``planned-disbursement`` (default: all three). ``today`` (default: the
    computer's date) is the last value-date that is not in the future.

    Columns (:data:`COLUMNS`): ``activity`` (the ``iati-identifier``),
    ``reporting_org_ref`` and ``reporting_org`` (its name), ``element``,
    ``type`` (the transaction-type code; the BudgetType code of a budget or
    planned disbursement) and ``type_name``, ``amount`` (``Decimal``),
    ``currency``, ``currency_from`` (``value`` or ``default-currency``),
    ``value_date``, ``transaction_date``, ``period_start``, ``period_end``
    (``datetime64[s]``, NaT where the element has none), ``provider_org_ref``,
    ``provider_org``, ``receiver_org_ref``, ``receiver_org``,
    ``humanitarian`` (the element's ``@humanitarian``, else the activity's;
    nullable boolean, NA when neither says), ``version`` (the file's IATI
    version) and ``path`` (the value's element path).

    Raises :class:`~aidtrack.errors.BadRecordsError` listing every problem
    (see the module docs) unless ``errors="coerce"``;
    :class:`~aidtrack.errors.UnsafeXmlError` for a file with a DTD or entities;
    :class:`~aidtrack.errors.DataFormatError` for malformed XML or a file that
    is not an IATI activity file.
    """
    wanted = _elements(elements)
    check_errors(errors)
    day = _today(today)
    where, stream, close = _open(file)
    rows: list[dict[str, Any]] = []
    found: list[RecordProblem] = []
    row_problems: list[list[str]] = []
    try:
        for activity, index, version in _activities(stream, where):
            _read_activity(activity, index, version, wanted, day, rows, found, row_problems)
    finally:
        if close:
            stream.close()
    if found and errors == "raise":
        raise BadRecordsError(where, found, records=len(rows))
    frame = _frame(rows)
    if errors == "coerce":
        frame["problem"] = pd.Series(["; ".join(p) if p else None for p in row_problems], dtype=object)
    frame.attrs["iati"] = {"source": where, "problems": len(found)}
    return frame


def problems(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows of a :func:`read` / :func:`convert` frame (``errors="coerce"``) that have a problem.

    Columns: ``activity``, ``path`` and ``reason`` (empty when there is none).
    """
    if "problem" not in frame.columns:
        return pd.DataFrame({"activity": [], "path": [], "reason": []}, dtype=object)
    bad = frame[frame["problem"].notna()]
    return pd.DataFrame(
        {
            "activity": bad["activity"].tolist(),
            "path": bad["path"].tolist(),
            "reason": [str(r) for r in bad["problem"].tolist()],
        },
        columns=["activity", "path", "reason"],
        dtype=object,
    )


def _elements(elements: ValueElement | Sequence[ValueElement]) -> frozenset[str]:
    names = [elements] if isinstance(elements, str) else list(elements)
    bad = [e for e in names if e not in ELEMENTS]
    if bad or not names:
        raise InvalidArgumentError(
            "elements",
            elements,
            f"elements must be one or more of {', '.join(ELEMENTS)}; got {elements!r}",
        )
    return frozenset(names)


def _today(today: date | str | None) -> date:
    if today is None:
        return date.today()
    if isinstance(today, date):
        return today
    try:
        return date.fromisoformat(str(today))
    except ValueError:
        raise InvalidArgumentError("today", today, f"today must be a date (YYYY-MM-DD), got {today!r}") from None


def _open(source: Source) -> tuple[str, IO[bytes], bool]:
    if isinstance(source, bytes | bytearray):
        return "<bytes>", io.BytesIO(bytes(source)), True
    if isinstance(source, str | os.PathLike):
        path = os.fspath(source)
        return path, open(path, "rb"), True  # closed by read()
    if hasattr(source, "read"):
        return str(getattr(source, "name", "<file>")), source, False
    raise TypeError(f"an IATI source must be a path, bytes or a binary file, not {type(source).__name__}")


def _activities(stream: IO[bytes], where: str) -> Iterator[tuple[Element, int, str | None]]:
    """Each ``iati-activity`` element, complete, with its 1-based position and the version in force.

    The element is cleared once the caller is done with it, so memory stays
    bounded by the largest activity, not the file.
    """
    from xml.etree.ElementTree import ParseError

    from defusedxml import DefusedXmlException, DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
    from defusedxml.ElementTree import iterparse

    events = iterparse(stream, events=("start", "end"), forbid_dtd=True, forbid_entities=True, forbid_external=True)
    depth = 0
    root: Element | None = None
    root_version: str | None = None
    count = 0
    tags: list[str] = []
    try:
        for event, elem in events:
            if event == "start":
                depth += 1
                tags.append(str(elem.tag))
                if depth == 1:
                    root = elem
                    if elem.tag != "iati-activities":
                        hint = (
                            " (an IATI organisation file: it has budgets of organisations, not activities)"
                            if elem.tag == "iati-organisations"
                            else ""
                        )
                        raise DataFormatError(
                            where,
                            f"not an IATI activity file: the root element is <{elem.tag}>, "
                            f"expected <iati-activities>{hint}",
                        )
                    root_version = elem.get("version")
                continue
            depth -= 1
            tags.pop()
            if depth == 1:
                if elem.tag == "iati-activity":
                    count += 1
                    yield elem, count, elem.get("version") or root_version
                elem.clear()  # any child of the root, read or not: memory stays bounded
                assert root is not None
                root.remove(elem)
            elif elem.tag == "iati-activity":
                raise DataFormatError(
                    where,
                    f"an <iati-activity> inside <{tags[-1]}> ({'/'.join(tags)}): activities must be direct "
                    "children of <iati-activities>; its values would not be read, so the file is refused",
                )
    except DTDForbidden as exc:
        raise UnsafeXmlError(
            where,
            f"refused: the file declares a DTD (<!DOCTYPE {exc.name}>); IATI files need none, and a DTD is how "
            "entity-expansion ('billion laughs') and external-entity attacks work. Remove the DOCTYPE line "
            "if you trust the file.",
        ) from None
    except EntitiesForbidden as exc:
        raise UnsafeXmlError(
            where, f"refused: the file declares the entity {exc.name!r}; entities are never expanded"
        ) from None
    except ExternalReferenceForbidden as exc:
        raise UnsafeXmlError(
            where, f"refused: the file refers to an external resource ({exc.sysid!r}); it is never fetched"
        ) from None
    except DefusedXmlException as exc:  # pragma: no cover - any other construct defusedxml refuses
        raise UnsafeXmlError(where, f"refused: {exc}") from None
    except ParseError as exc:
        line, column = exc.position
        raise DataFormatError(where, f"malformed XML: {_expat_message(exc)}", line=line, column=column + 1) from None
    except AidtrackError:
        raise
    except (LookupError, ValueError) as exc:  # the declared encoding: unknown, not text, or multi-byte
        raise DataFormatError(
            where,
            f"cannot decode the file in the encoding its XML declaration names ({exc}); IATI files are UTF-8: "
            "re-save the file as UTF-8 and fix its <?xml ... encoding=...?> line",
        ) from None
    if root is None:  # pragma: no cover - expat raises on an empty document first
        raise DataFormatError(where, "empty file: no XML element")


def _expat_message(exc: Exception) -> str:
    text = str(exc)
    return text.split(":", 1)[0] if ": line" in text else text


def _read_activity(
    activity: Element,
    index: int,
    version: str | None,
    wanted: frozenset[str],
    today: date,
    rows: list[dict[str, Any]],
    found: list[RecordProblem],
    row_problems: list[list[str]],
) -> None:
    ident = _clean(activity.findtext("iati-identifier"))
    reporting = activity.find("reporting-org")
    reporting_ref = _clean(reporting.get("ref")) if reporting is not None else None
    reporting_name = _org_name(reporting)
    default_currency = _clean(activity.get("default-currency"))
    base = f"iati-activities/iati-activity[{index}]"
    activity_flag, flag_problem = _flag(activity.get("humanitarian"))
    seen: defaultdict[str, int] = defaultdict(int)
    for child in activity:
        tag = child.tag
        if not isinstance(tag, str):  # pragma: no cover - comments and processing instructions are not kept
            continue
        seen[tag] += 1
        if tag not in wanted:
            continue
        path = f"{base}/{tag}[{seen[tag]}]"
        mine: list[str] = []
        row = _read_value(child, tag, path, default_currency, today, mine)
        own_flag, own_problem = _flag(child.get("humanitarian"))
        if own_problem:
            mine.append(f"@humanitarian {own_problem}")
        if flag_problem:
            mine.append(f"iati-activity/@humanitarian {flag_problem}")
        row.update(
            activity=ident,
            reporting_org_ref=reporting_ref,
            reporting_org=reporting_name,
            element=tag,
            humanitarian=own_flag if own_flag is not None else activity_flag,
            version=version,
        )
        rows.append(row)
        row_problems.append(mine)
        found.extend(RecordProblem(ident, row["path"], reason) for reason in mine)


def _read_value(
    elem: Element, tag: str, path: str, default_currency: str | None, today: date, problems: list[str]
) -> dict[str, Any]:
    row: dict[str, Any] = {"path": f"{path}/value"}
    if tag == "transaction":
        code = _clean(_attr(elem.find("transaction-type"), "code"))
        row["type"] = code
        row["type_name"] = TRANSACTION_TYPES.get(code) if code else None
        row["transaction_date"] = _date_attr(elem.find("transaction-date"), "transaction-date", problems)
    else:
        code = _clean(elem.get("type"))
        row["type"] = code
        row["type_name"] = BUDGET_TYPES.get(code) if code else None
        row["period_start"] = _date_attr(elem.find("period-start"), "period-start", problems)
        row["period_end"] = _date_attr(elem.find("period-end"), "period-end", problems)
    if tag != "budget":
        for role in ("provider", "receiver"):
            org = elem.find(f"{role}-org")
            row[f"{role}_org_ref"] = _clean(_attr(org, "ref"))
            row[f"{role}_org"] = _org_name(org)
    values = elem.findall("value")
    if not values:
        row["path"] = path
        problems.append(f"no <value> element in this {tag}")
        return row
    if len(values) > 1:
        problems.append(f"{len(values)} <value> elements in one {tag}; the standard allows one")
    value = values[0]
    text = (value.text or "").strip()
    inner = next((c for c in value if isinstance(c.tag, str)), None)
    if inner is not None:
        problems.append(
            f"the value holds an element <{inner.tag}>; an IATI value is the amount as plain text, such as 1250.50"
        )
    elif not text:
        problems.append("the value is empty: no amount")
    elif not _DECIMAL.fullmatch(text):
        problems.append(
            f"the amount {text[:40]!r} is not a decimal number (IATI values are plain decimals such as 1000 or "
            "1250.50, with no thousands separators)"
        )
    else:
        row["amount"] = Decimal(text)
    own = _clean(value.get("currency"))
    code = own or default_currency
    row["currency_from"] = "value" if own else ("default-currency" if default_currency else None)
    if code is None:
        problems.append("no currency: the value has no @currency and the activity no @default-currency")
    else:
        try:
            row["currency"] = normalize_currency(code)
        except AidtrackError:
            where = "@currency" if own else "the activity's @default-currency"
            problems.append(f"{where} {code!r} is not an ISO 4217 currency code (such as EUR, USD, GBP)")
            row["currency"] = code
    raw_date = _clean(value.get("value-date"))
    if raw_date is None:
        problems.append("no @value-date: the date that fixes the exchange rate is missing")
    else:
        day = _parse_date(raw_date)
        if day is None:
            problems.append(f"@value-date {raw_date!r} is not a date (YYYY-MM-DD)")
        else:
            row["value_date"] = day
            if day > today:
                problems.append(
                    f"@value-date {day.isoformat()} is in the future (after {today.isoformat()}); "
                    "no exchange rate exists for it yet"
                )
    return row


def _attr(elem: Element | None, name: str) -> str | None:
    return None if elem is None else elem.get(name)


def _clean(text: str | None) -> str | None:
    if text is None:
        return None
    text = " ".join(text.split())
    return text or None


def _org_name(org: Element | None) -> str | None:
    """The organisation's name: its first non-empty ``<narrative>`` (2.x), else its own text (1.0x)."""
    if org is None:
        return None
    for narrative in org.findall("narrative"):
        name = _clean("".join(narrative.itertext()))
        if name:
            return name
    return _clean(org.text)


def _flag(text: str | None) -> tuple[bool | None, str | None]:
    if text is None:
        return None, None
    value = text.strip().lower()
    if value in _TRUE:
        return True, None
    if value in _FALSE:
        return False, None
    return None, f"{text!r} is not a boolean (1, 0, true or false)"


def _parse_date(text: str) -> date | None:
    m = _XSD_DATE.fullmatch(text.strip())
    if not m:
        return None
    try:
        return date.fromisoformat(m.group(1))
    except ValueError:
        return None


def _date_attr(elem: Element | None, what: str, problems: list[str]) -> date | None:
    raw = _clean(_attr(elem, "iso-date"))
    if raw is None:
        return None
    day = _parse_date(raw)
    if day is None:
        problems.append(f"{what}/@iso-date {raw!r} is not a date (YYYY-MM-DD)")
    return day


def _frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    data: dict[str, Any] = {}
    for col in COLUMNS:
        values = [r.get(col) for r in rows]
        if col in _DATE_COLUMNS:
            data[col] = date_column(values)
        elif col == "humanitarian":
            data[col] = pd.array(values, dtype="boolean")
        else:
            data[col] = pd.Series(values, dtype=object)
    return pd.DataFrame(data, columns=list(COLUMNS))


# ---------------------------------------------------------------------------
# Converting


def convert(
    file: Source,
    to: str | None = None,
    *,
    policy: PolicyLike = "daily",
    errors: Literal["raise", "coerce"] = "raise",
    elements: ValueElement | Sequence[ValueElement] = ELEMENTS,
    today: date | str | None = None,
    source: SourceLike | None = None,
    rounding: Rounding | str = "half_even",
) -> pd.DataFrame:
    """Read an IATI file (:func:`read`) and convert every value into ``to`` at its value-date.

    ``to`` defaults to EUR, as everywhere in aidtrack (IATI totals are often wanted in USD: ``to="USD"``).

    One call: the conversion is :func:`aidtrack.frames.convert.convert_frame` of the
    ``amount``, ``currency`` and ``value_date`` columns under ``policy``
    (``daily`` by default: the ECB fixing of the value-date, or the last one
    before it), with the rates of ``source`` (a rate source; the default
    source when ``None``). The result keeps :func:`read`'s columns and adds
    ``converted`` (``Decimal``, rounded once to the target's minor unit),
    ``rate``, the fixing date(s) (``fixing_date``, or ``fixing_first`` /
    ``fixing_last`` / ``fixing_count`` for a mean) and ``rate_source``: the
    provenance of every figure. ``df.attrs["aidtrack"]`` holds the policy,
    the rounding and the rate source, as for any converted frame.

    A value that cannot be read (see :func:`read`) or converted (no rate for
    its currency and value-date) is a problem: ``errors="raise"`` raises
    :class:`~aidtrack.errors.BadRecordsError` listing each with its activity
    and element path; ``errors="coerce"`` keeps every row, with missing
    results and a ``problem`` column.
    """
    from aidtrack.files._columns import spread
    from aidtrack.frames.convert import META_KEY, convert_frame

    frame = read(file, elements, today, errors=errors)
    where = frame.attrs["iati"]["source"]
    has_problem = frame["problem"].notna().to_numpy() if "problem" in frame.columns else np.zeros(len(frame), bool)
    good = frame.loc[~has_problem, list(COLUMNS)]
    conv = convert_frame(
        good,
        to,
        policy=policy,
        source=source,
        rounding=rounding,
        errors="coerce",
        amount="amount",
        currency="currency",
        date="value_date",
        dtype="decimal",
    )
    added = [c for c in conv.columns if c not in good.columns and c != "problem"]
    out = frame.drop(columns=["problem"]) if "problem" in frame.columns else frame.copy()
    positions = np.flatnonzero(~has_problem)
    for col in added:
        out[col] = spread(conv[col], positions, frame.index)
    reasons: list[str | None] = frame["problem"].tolist() if "problem" in frame.columns else [None] * len(frame)
    found: list[RecordProblem] = []
    if "problem" in conv.columns:
        failed = conv["problem"].notna()
        for label, reason in zip(conv.index[failed].tolist(), conv.loc[failed, "problem"].tolist(), strict=True):
            reasons[label] = str(reason)
            activity = frame.at[label, "activity"]
            path = str(frame.at[label, "path"])
            found.append(RecordProblem(None if activity is None else str(activity), path, str(reason)))
    if found and errors == "raise":
        raise BadRecordsError(where, found, records=len(frame))
    if errors == "coerce":
        out["problem"] = pd.Series(reasons, index=frame.index, dtype=object)
    meta = dict(conv.attrs[META_KEY])
    meta["problems"] = sum(r is not None for r in reasons)
    out.attrs = {"iati": frame.attrs["iati"], META_KEY: meta}
    return out
