"""The flat row form of a :class:`~aidtrack.pledge.Pledge`: column names, row -> pledge, pledge -> row.

One schema for every tabular format (CSV, Excel, Parquet, JSON records, DataFrames). Columns (only the
first four are required; the order is free)::

    donor, date, amount, currency,
    country, category, measure, qualifier, recipient,
    period_start, period_end, source, source_title, source_publisher, notes, rate_date

Values are text: ``date`` and ``rate_date`` are ``YYYY-MM-DD`` (``rate_date``, optional, is the date
whose exchange rate values the pledge when it is not ``date``: :attr:`aidtrack.pledge.Pledge.rate_date`);
``amount`` a plain decimal number (``440000000`` or ``1250.50``: no thousands separators, which differ
between locales). Free text columns
(:data:`GUARDED_COLUMNS`) may carry the spreadsheet formula guard of :mod:`aidtrack.formula`.

**Other people's tables.** The readers of :mod:`aidtrack.files` accept more than this canonical
form, and this module holds the rules, so that every format applies the same ones:

* headers match case- and space-insensitively (:func:`header_key`: ``" Donor "``, ``DONOR`` and
  ``donor`` are one column; ``Period Start`` is ``period_start``), and a ``columns=`` mapping
  names the others (``{"Geber": "donor"}``; a column mapped to ``None`` is ignored):
  :func:`resolve_header`, which reports everything wrong with a header as *one* problem;
* amounts may use a decimal comma and thousands separators once the decimal separator is known
  (given, or detected from the column by :func:`detect_decimal`); :func:`amount_text` turns them
  into the plain decimal text above, digit for digit (no float on the way);
* dates may follow a stated ``strftime`` format (:func:`date_text`), else they must be ISO.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from aidtrack.pledge import Pledge

__all__ = [
    "COLUMNS",
    "DATE_COLUMNS",
    "GUARDED_COLUMNS",
    "OPTIONAL_COLUMNS",
    "REQUIRED_COLUMNS",
    "amount_text",
    "date_text",
    "detect_decimal",
    "field_text",
    "header_key",
    "header_problems",
    "is_blank",
    "pledge_from_row",
    "pledge_to_row",
    "resolve_header",
]

REQUIRED_COLUMNS = ("donor", "date", "amount", "currency")
OPTIONAL_COLUMNS = (
    "country",
    "category",
    "measure",
    "qualifier",
    "recipient",
    "period_start",
    "period_end",
    "source",
    "source_title",
    "source_publisher",
    "notes",
    "rate_date",
)
COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
"""Every column a pledge CSV may have, in the order aidtrack writes them."""
GUARDED_COLUMNS = ("donor", "recipient", "notes", "source_title", "source_publisher")
"""Free-text columns guarded against formula injection in CSV (see :mod:`aidtrack.formula`)."""
DATE_COLUMNS = ("date", "period_start", "period_end")
"""The columns holding dates (``YYYY-MM-DD``, or the reader's ``date_format``)."""


def is_blank(value: str | None) -> bool:
    """Whether a cell is empty or only whitespace."""
    return value is None or not value.strip()


def field_text(name: str, value: str | None, *, unguard: bool = False, strip: bool = True) -> str | None:
    """One cell as :func:`pledge_from_row` reads it: ``None`` when blank, free text less its
    formula guard (``unguard``), other text stripped (``strip``).

    >>> field_text("donor", "'=X", unguard=True), field_text("amount", " 5 "), field_text("notes", " ")
    ('=X', '5', None)
    """
    if value is None or not value.strip():
        return None
    if unguard and name in GUARDED_COLUMNS:
        from aidtrack.formula import unguard_text

        # free text is taken as written (the record keeps a note's whitespace), less the guard
        return unguard_text(value)
    return value.strip() if strip else value


def pledge_from_row(row: dict[str, str | None], *, unguard: bool = False, strip: bool = True) -> Pledge:
    """Build a :class:`Pledge` from one CSV row (a dict of column to text).

    With ``unguard=True`` (the CSV reader) the :data:`GUARDED_COLUMNS` are
    taken as written, less one leading apostrophe (see :mod:`aidtrack.formula`). With
    ``strip=False`` (frames, Excel: typed cells) text keeps its surrounding
    whitespace, which only ``notes`` and the source title and publisher keep.
    """
    from aidtrack.money import Money

    def get(name: str) -> str | None:
        return field_text(name, row.get(name), unguard=unguard, strip=strip)

    missing = [c for c in REQUIRED_COLUMNS if get(c) is None]
    if missing:
        raise ValueError(f"empty required field{'s' if len(missing) > 1 else ''}: {', '.join(missing)}")
    data: dict[str, Any] = {
        "donor": {"name": get("donor"), "country": get("country")},
        "announced": get("date"),
        "amount": Money(get("amount"), get("currency")),
    }
    for name in ("category", "measure", "qualifier", "recipient", "notes", "rate_date"):
        if get(name) is not None:
            data[name] = get(name)
    start, end = get("period_start"), get("period_end")
    if start is not None or end is not None:
        if start is None or end is None:
            raise ValueError("period_start and period_end must be given together")
        data["period"] = {"start": start, "end": end}
    source = {"url": get("source"), "title": get("source_title"), "publisher": get("source_publisher")}
    if any(v is not None for v in source.values()):
        data["source"] = source
    return Pledge.model_validate(data)


def pledge_to_row(pledge: Pledge) -> dict[str, str]:
    """One pledge as a CSV row (every column of :data:`COLUMNS`, blanks as ``""``)."""
    src = pledge.source
    return {
        "donor": pledge.donor.name,
        "date": pledge.announced.isoformat(),
        "amount": format(pledge.amount.amount, "f"),
        "currency": pledge.amount.currency,
        "country": pledge.donor.country or "",
        "category": pledge.category.value,
        "measure": pledge.measure.value,
        "qualifier": pledge.qualifier.value,
        "recipient": pledge.recipient,
        "period_start": pledge.period.start.isoformat() if pledge.period else "",
        "period_end": pledge.period.end.isoformat() if pledge.period else "",
        "source": (src.url or "") if src else "",
        "source_title": (src.title or "") if src else "",
        "source_publisher": (src.publisher or "") if src else "",
        "notes": pledge.notes or "",
        "rate_date": pledge.rate_date.isoformat() if pledge.rate_date else "",
    }


def header_problems(names: Sequence[str], valid: Sequence[str], *, unknown_hint: str | None = "") -> list[str]:
    """What is wrong with a pledge table's header: unknown, missing required or repeated columns.

    ``unknown_hint=None`` accepts unknown columns; otherwise the hint is appended to
    their message. Used for CSV, Excel and DataFrame input alike.

    >>> header_problems(["donor", "date", "amount", "colour"], COLUMNS)[1]
    'missing required column(s): currency'
    """
    problems = []
    unknown = [h for h in names if h not in valid]
    if unknown and unknown_hint is not None:
        problems.append(
            f"unknown column(s) {', '.join(repr(u) for u in unknown)}; valid columns: {', '.join(valid)}{unknown_hint}"
        )
    missing = [c for c in REQUIRED_COLUMNS if c not in names]
    if missing:
        problems.append(f"missing required column(s): {', '.join(missing)}")
    if len(set(names)) != len(names):
        problems.append("a column name appears twice")
    return problems


def header_key(name: str) -> str:
    """The form in which header names are compared: case-folded, runs of spaces and underscores as one ``_``.

    >>> header_key(" Period  Start "), header_key("DONOR"), header_key("Währung")
    ('period_start', 'donor', 'währung')
    """
    return re.sub(r"[\s_]+", "_", name.strip().casefold()).strip("_")


def resolve_header(
    names: Sequence[str],
    valid: Sequence[str],
    columns: Mapping[str, str | None] | None = None,
    *,
    passthrough: Sequence[str] = (),
    context: str = "",
) -> tuple[list[str | None], str | None]:
    """The canonical column of each header cell, and everything wrong with the header as one message.

    A header cell matches a column of ``valid`` (or ``passthrough``) case- and
    space-insensitively (:func:`header_key`), or through ``columns``, a mapping from the
    file's header (also matched insensitively) to a column of ``valid``; a cell mapped to
    ``None`` is ignored (its position gets ``None``). ``context`` is added to the message
    (the CSV reader states the delimiter it used there). The message (``None`` when the
    header is good) lists the unknown cells, the required columns that are missing, names
    used twice and mapping keys that match no header cell.

    >>> resolve_header(["Geber", "Datum", "Betrag", "Währung"], COLUMNS,
    ...                {"geber": "donor", "DATUM": "date", "Betrag": "amount", "Währung": "currency"})
    (['donor', 'date', 'amount', 'currency'], None)
    >>> print(resolve_header(["Donor", "Date", "Summe"], COLUMNS)[1])  # doctest: +ELLIPSIS
    unknown column(s) 'Summe'; valid columns: donor, date, ...; missing required column(s): amount, currency
    """
    from aidtrack.errors import InvalidArgumentError

    mapping: dict[str, str | None] = {}
    valid_keys = {header_key(v): v for v in (*valid, *passthrough)}
    for given, target in (columns or {}).items():
        if target is not None and target not in valid and target not in passthrough:
            raise InvalidArgumentError(
                "columns",
                dict(columns or {}),
                f"columns= maps {given!r} to {target!r}, which is not a column; valid columns: {', '.join(valid)} "
                "(or None to ignore the column)",
            )
        mapping[header_key(given)] = target
    resolved: list[str | None] = []
    unknown: list[str] = []
    used_keys: set[str] = set()
    for name in names:
        key = header_key(name)
        if key in mapping:
            used_keys.add(key)
            resolved.append(mapping[key])
        elif key in valid_keys:
            resolved.append(valid_keys[key])
        else:
            resolved.append(None)
            unknown.append(name)
    parts: list[str] = []
    if unknown:
        hint = (
            "; name them with columns= (e.g. columns={"
            + ", ".join(f"{u!r}: ..." for u in unknown[:2])
            + "}), or map them to None to ignore them"
        )
        parts.append(
            f"unknown column(s) {', '.join(repr(u) for u in unknown)}{context}; valid columns: {', '.join(valid)}{hint}"
        )
    chosen = [r for r in resolved if r is not None]
    missing = [c for c in REQUIRED_COLUMNS if c not in chosen]
    if missing:
        parts.append(f"missing required column(s): {', '.join(missing)}")
    twice = sorted({c for c in chosen if chosen.count(c) > 1})
    if twice:
        parts.append(f"column(s) given twice: {', '.join(twice)}")
    unmatched = [g for g in (columns or {}) if header_key(g) not in used_keys]
    if unmatched:
        parts.append(
            f"columns= names {', '.join(repr(g) for g in unmatched)}, which the header does not have "
            f"(header: {', '.join(repr(n) for n in names)})"
        )
    return resolved, ("; ".join(parts) if parts else None)


_PLAIN = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_GROUP_SPACES = "\u00a0\u202f "  # no-break space, narrow no-break space, space (French, Swiss, Nordic styles)
_NO_SPACES = str.maketrans("", "", _GROUP_SPACES)
_DIGITS = re.compile(r"[0-9]+")
_NUMBERISH = re.compile(r"[0-9][0-9.,\u00a0\u202f ]*|[.,][0-9]+")
_ONE_GROUP = {",": re.compile(r"[+-]?[1-9][0-9]{0,2},[0-9]{3}"), ".": re.compile(r"[+-]?[1-9][0-9]{0,2}\.[0-9]{3}")}


def _separator_of(text: str) -> str | None:
    """The decimal separator one amount shows: ``","``, ``"."``, ``"?"`` (ambiguous) or ``None`` (none)."""
    body = text.strip().translate(_NO_SPACES)
    commas, dots = body.count(","), body.count(".")
    if commas and dots:
        return "," if body.rfind(",") > body.rfind(".") else "."
    if commas == 1 or dots == 1:
        mark = "," if commas else "."
        return "?" if _ONE_GROUP[mark].fullmatch(body) else mark
    if commas > 1:
        return "."  # 1,234,567: commas group thousands
    if dots > 1:
        return ","
    return None


def detect_decimal(values: Iterable[str | None]) -> str | None:
    """The decimal separator an amount column uses: ``","``, ``"."``, or ``None`` when the values do not say.

    A value settles it when it can only be read one way: ``2,5`` or ``1.234,56`` (comma),
    ``2.5`` or ``1,234.56`` (dot). ``1,234`` and ``1.234`` (a thousands separator, or a
    decimal with three places?) settle nothing, nor does ``1.000.000``, which has no decimal
    part. A column that settles it both ways is an error naming an example of each.

    >>> detect_decimal(["440000000", "2,5", "1.250,50"]), detect_decimal(["1,234", "7"])
    (',', None)
    """
    from aidtrack.errors import InvalidArgumentError

    seen: dict[str, str] = {}
    for value in values:
        if value is None or (_PLAIN.fullmatch(value.strip()) and "." not in value):
            continue
        body = value.translate(_NO_SPACES)
        if (body.count(",") > 1 and "." not in body) or (body.count(".") > 1 and "," not in body):
            continue  # 1.000.000: thousands separators, but no decimal part to show the other separator
        sep = _separator_of(value)
        if sep in (",", "."):
            seen.setdefault(sep, value)
            if len(seen) == 2:
                raise InvalidArgumentError(
                    "decimal",
                    None,
                    f"the amounts use both decimal separators ({seen[',']!r} has a decimal comma, {seen['.']!r} "
                    "a decimal point); pass decimal=',' or decimal='.' to say which one the file uses",
                )
    return next(iter(seen), None)


def amount_text(value: str, decimal: str | None = ".") -> str:
    """An amount cell as plain decimal text, exactly: the decimal separator made ``.``, thousands separators gone.

    ``decimal`` is the file's decimal separator (``"."`` or ``","``); the other one, and
    spaces, count as thousands separators only between groups of three digits. With
    ``decimal=None`` (not known) each value must show its separator unambiguously: ``1,234``
    or ``1.234`` (thousands, or three decimal places?) is an error rather than a guess.
    Plain text (``440000000``, ``1250.50``, ``2e9``) comes back unchanged with ``"."``.

    >>> amount_text("1.234.567,89", ","), amount_text("1 250,5", ","), amount_text("1,250.50", ".")
    ('1234567.89', '1250.5', '1250.50')
    >>> amount_text("2,5", None)
    '2.5'
    """
    text = value.strip()
    if decimal not in (",", ".", None):
        raise ValueError(f"decimal must be ',' or '.', got {decimal!r}")
    if decimal == "." and _PLAIN.fullmatch(text):
        return text
    if decimal is None:
        found = _separator_of(text)
        if found == "?":
            mark = "," if "," in text else "."
            raise ValueError(
                f"amount {value!r} is ambiguous: {mark!r} may be the decimal separator or a thousands separator; "
                "pass decimal=',' or decimal='.'"
            )
        decimal = found or "."
        if decimal == "." and _PLAIN.fullmatch(text):
            return text
    sign = text[:1] if text[:1] in "+-" else ""
    body = text[len(sign) :]
    group = "." if decimal == "," else ","
    example = f"1{group}250{group}000{decimal}50"
    if not _NUMBERISH.fullmatch(body):
        raise ValueError(f"amount {value!r} is not a plain decimal number (expected e.g. 440000000 or {example})")
    int_part, sep, frac = body.partition(decimal)
    if sep and not _DIGITS.fullmatch(frac):
        raise ValueError(
            f"amount {value!r} is not a decimal number with {decimal!r} as decimal separator (e.g. {example})"
        )
    seps = {c for c in int_part if not ("0" <= c <= "9")}
    if seps:
        mark = seps.pop()
        groups = int_part.split(mark)
        if (
            seps
            or (mark != group and mark not in _GROUP_SPACES)
            or not 1 <= len(groups[0]) <= 3
            or any(len(g) != 3 for g in groups[1:])
            or not all(_DIGITS.fullmatch(g) for g in groups)
        ):
            raise ValueError(
                f"amount {value!r} is not a decimal number with {decimal!r} as decimal separator "
                f"(thousands separators must group three digits, e.g. {example})"
            )
        int_part = "".join(groups)
    if not (_DIGITS.fullmatch(int_part) or (not int_part and sep)):
        raise ValueError(f"amount {value!r} is not a plain decimal number (expected e.g. 440000000 or {example})")
    return f"{sign}{int_part}{'.' + frac if sep else ''}"


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DMY = re.compile(r"\d{1,2}([./-])\d{1,2}\1\d{4}")


def date_text(value: str, date_format: str | None = None, *, column: str = "date") -> str:
    """A date cell as ``YYYY-MM-DD``: read with ``date_format`` (a ``strptime`` format) if given, else ISO.

    Without a format the text must already be ISO (checked by :class:`~aidtrack.pledge.Pledge`);
    a day-month-year date gets an error suggesting the format. A value with a time of day
    other than midnight is refused: pledges have calendar dates.

    >>> date_text("09.01.2025", "%d.%m.%Y"), date_text("2025-01-09")
    ('2025-01-09', '2025-01-09')
    """
    text = value.strip()
    if date_format is None:
        if not _ISO_DATE.fullmatch(text) and (m := _DMY.fullmatch(text)):
            sep = m.group(1)
            raise ValueError(
                f"{column} {value!r} is not YYYY-MM-DD; if it is day{sep}month{sep}year, "
                f"pass date_format='%d{sep}%m{sep}%Y'"
            )
        return text
    try:
        parsed = datetime.strptime(text, date_format)
    except ValueError:
        raise ValueError(
            f"{column} {value!r} does not match date_format {date_format!r} "
            f"(today would be {datetime.now().strftime(date_format)!r})"
        ) from None
    if (parsed.hour, parsed.minute, parsed.second, parsed.microsecond) != (0, 0, 0, 0):
        raise ValueError(f"{column} must be a calendar date, got a date-time {value!r}")
    return parsed.date().isoformat()
