"""OCHA Financial Tracking Service (FTS) flows: read them, fetch them, and set aidtrack's conversion beside FTS's.

`FTS <https://fts.unocha.org/>`_ records humanitarian funding as *flows* from a
source (a donor organisation, its country, a usage year) to a destination (an
organisation, a plan, an emergency, a location). Its public API
(``https://api.hpc.tools/v1/public/fts/flow?...``, documented at
https://api.hpc.tools/docs/v1/ and https://fts.unocha.org/content/fts-public-api)
answers with JSON::

    {"status": "ok",
     "data": {"flows": [{"id": "165841", "amountUSD": 1001001, "originalAmount": 1000000,
                         "originalCurrency": "CHF", "exchangeRate": 0.999, "status": "paid",
                         "date": "2020-04-24T00:00:00Z", "decisionDate": "2017-11-06T00:00:00Z",
                         "flowType": "Standard", "boundary": "incoming",
                         "sourceObjects": [{"type": "Organization", "id": "2924",
                                            "name": "Switzerland, Government of"}, ...],
                         "destinationObjects": [...], ...}, ...]},
     "meta": {"language": "en", "count": 424, "nextLink": "https://api.hpc.tools/v1/public/fts/flow?...&page=2"}}

:func:`read` turns such a response (a file, its text, or the parsed object)
into a DataFrame, one row per flow; :func:`fetch` asks the API and follows the
pages (``meta.nextLink``) through aidtrack's :class:`~aidtrack.rates.remote.http.HttpClient`
(timeouts, retries of 5xx answers, a size cap, offline mode). Amounts are
exact: the JSON numbers are read as ``Decimal`` from their text.

**FTS's USD beside aidtrack's.** FTS gives every flow in US dollars
(``amountUSD``, whole dollars) and, when it was reported in another currency,
the original amount and currency and the rate FTS applied (``exchangeRate``:
units of the original currency per US dollar, so ``amountUSD`` ≈
``originalAmount / exchangeRate``). :func:`compare` converts the original
amount with aidtrack (ECB reference rates, any policy, at the flow's ``date``
unless told otherwise) and adds the difference, absolute and relative, so a
reader sees where the two disagree. FTS does not say which day's rate it
applied; its rates are often rounded to three decimals.

**Pledges are not funding.** FTS's ``status`` is ``pledge``, ``commitment``
or ``paid``; FTS counts commitments and paid contributions towards funding and
records pledges apart until they become commitments. The ``status`` column
keeps them apart, and :func:`totals` always groups by it, so a pledge is never
added to money committed or paid.

**Problems.** A flow without an ``id``, ``amountUSD``, a known ``status`` or a
``date``, an original amount without its currency, or a currency that is not
ISO 4217 is a problem, reported with the flow id and its place in the response
(``page 2: data.flows[3].amountUSD``); nothing is filled in by a guess. A flow
with no original amount is not a problem (FTS then gives only its USD figure),
but it cannot be compared: :func:`compare` says so in its ``comparison``
column.

>>> body = '''{"status": "ok", "data": {"flows": [{"id": "1", "amountUSD": 1001001,
...   "originalAmount": 1000000, "originalCurrency": "CHF", "exchangeRate": 0.999,
...   "status": "paid", "date": "2020-04-24T00:00:00Z",
...   "sourceObjects": [{"type": "Organization", "id": "2924", "name": "Switzerland, Government of"}],
...   "destinationObjects": [{"type": "Location", "id": "171", "name": "occupied Palestinian territory"}]}]},
...   "meta": {"count": 1}}'''
>>> df = read(body)
>>> df.loc[0, ["id", "status", "amount_usd", "original_amount", "original_currency", "exchange_rate"]].tolist()
['1', 'paid', Decimal('1001001'), Decimal('1000000'), 'CHF', Decimal('0.999')]
>>> df.loc[0, ["source_org", "destination_location"]].tolist()
['Switzerland, Government of', 'occupied Palestinian territory']
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import IO, TYPE_CHECKING, Any, Literal, TypeAlias
from urllib.parse import urlsplit

import numpy as np
import pandas as pd

from aidtrack._options import check_errors
from aidtrack._record import repeated_keys
from aidtrack.amounts import to_decimal
from aidtrack.currency import normalize_currency
from aidtrack.errors import (
    AidtrackError,
    BadRecordsError,
    DataFormatError,
    InvalidArgumentError,
    RecordProblem,
)
from aidtrack.frames.rows import date_column

if TYPE_CHECKING:
    from aidtrack.amounts import Rounding
    from aidtrack.pledge import Pledge
    from aidtrack.policy import PolicyLike
    from aidtrack.rates.remote.http import HttpClient
    from aidtrack.rates.sources import SourceLike

__all__ = [
    "COLUMNS",
    "DEFAULT_BASE_URL",
    "FLOW_PATH",
    "MEASURES",
    "OBJECT_TYPES",
    "STATUSES",
    "JsonSource",
    "compare",
    "fetch",
    "problems",
    "read",
    "to_pledges",
    "totals",
]

DEFAULT_BASE_URL = "https://api.hpc.tools"
"""The FTS public API's address."""
FLOW_PATH = "/v1/public/fts/flow"
"""The flow endpoint, below the base URL."""
STATUSES = ("pledge", "commitment", "paid")
"""FTS's flow statuses: a pledge is recorded apart; commitments and paid contributions count as funding."""
MEASURES: dict[str, str] = {"commitment": "commitment", "paid": "disbursement"}
"""How :func:`to_pledges` maps an FTS status to a pledge's ``measure`` by default (pledges left out)."""
OBJECT_TYPES = {
    "Organization": "org",
    "Location": "location",
    "Plan": "plan",
    "Emergency": "emergency",
    "UsageYear": "usage_year",
    "GlobalCluster": "global_cluster",
    "Cluster": "cluster",
    "Project": "project",
}
"""The source/destination object types kept as columns (``source_org``, ``destination_plan_id``, ...)."""
JsonSource: TypeAlias = "str | os.PathLike[str] | bytes | IO[bytes] | IO[str] | Mapping[str, Any]"
"""A path, the JSON text or bytes, a file object, or the parsed response."""

_FLOW_FIELDS = (
    ("id", "id"),
    ("status", "status"),
    ("flow_type", "flowType"),
    ("boundary", "boundary"),
    ("on_boundary", "onBoundary"),
    ("contribution_type", "contributionType"),
    ("method", "method"),
    ("budget_year", "budgetYear"),
    ("parent_flow_id", "parentFlowId"),
    ("ref_code", "refCode"),
    ("description", "description"),
)
_DATE_FIELDS = (("date", "date"), ("decision_date", "decisionDate"), ("first_reported_date", "firstReportedDate"))
_OBJECT_COLUMNS = tuple(
    f"{side}_{kind}{suffix}"
    for side in ("source", "destination")
    for kind in OBJECT_TYPES.values()
    for suffix in ("", "_id")
)
COLUMNS = (
    "id",
    "status",
    "amount_usd",
    "original_amount",
    "original_currency",
    "exchange_rate",
    "date",
    "decision_date",
    "first_reported_date",
    "budget_year",
    "flow_type",
    "boundary",
    "on_boundary",
    "contribution_type",
    "method",
    "parent_flow_id",
    "ref_code",
    "description",
    *_OBJECT_COLUMNS,
    "location",
)
"""The columns of :func:`read`, in order (``problem`` follows with ``errors="coerce"``).

Several objects of one type (a flow shared over several usage years) are
joined with ``"; "`` in the name column and ``";"`` in the id column.
"""
_DATE_COLUMNS = tuple(c for c, _ in _DATE_FIELDS)
_DECIMAL_COLUMNS = ("amount_usd", "original_amount", "exchange_rate")
_DATE_TEXT = re.compile(r"(\d{4}-\d{2}-\d{2})(?:[T ][0-9:.]*(?:Z|[+-]\d{2}:?\d{2})?)?")


# ---------------------------------------------------------------------------
# Reading


def read(source: JsonSource, *, errors: Literal["raise", "coerce"] = "raise") -> pd.DataFrame:
    """Read an FTS flow response (``data.flows``) into a DataFrame, one row per flow (see the module docs).

    ``source`` is a path (``str`` or path-like), the JSON text (a ``str``
    starting with ``{``) or bytes, a file object, or the parsed object. Numbers
    are read as exact ``Decimal`` from the JSON text (a parsed object's floats
    stand for their shortest repr, as in :func:`aidtrack.money.to_decimal`).

    Raises :class:`~aidtrack.errors.DataFormatError` for text that is not
    JSON or not an FTS flow response, and
    :class:`~aidtrack.errors.BadRecordsError` listing every flow with a
    problem unless ``errors="coerce"``.
    """
    where, doc = _load(source)
    return _read_pages([(where, doc, "")], where, errors)


def _load(source: JsonSource) -> tuple[str, Any]:
    if isinstance(source, Mapping):
        return "<response>", source
    if isinstance(source, bytes | bytearray):
        return "<bytes>", _parse(bytes(source), "<bytes>")
    if isinstance(source, str) and source.lstrip().startswith(("{", "[")):
        return "<text>", _parse(source, "<text>")
    if isinstance(source, str | os.PathLike):
        path = os.fspath(source)
        with open(path, "rb") as fh:
            return path, _parse(fh.read(), path)
    if hasattr(source, "read"):
        where = str(getattr(source, "name", "<file>"))
        return where, _parse(source.read(), where)
    raise TypeError(
        f"an FTS source must be a path, JSON text or bytes, a file or a mapping, not {type(source).__name__}"
    )


class _Object(dict[str, Any]):
    """A JSON object that repeated a key: ``duplicates`` names the keys (``json`` keeps the last value)."""

    duplicates: tuple[str, ...] = ()


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) == len(pairs):
        return obj
    marked = _Object(pairs)
    marked.duplicates = repeated_keys(pairs)
    return marked


def _duplicates(obj: Any) -> tuple[str, ...]:
    return obj.duplicates if isinstance(obj, _Object) else ()


def _parse(text: str | bytes, where: str) -> Any:
    try:
        if isinstance(text, bytes):
            text = text.decode("utf-8-sig")
        # integers as Decimal too: exact, and no int-to-str digit limit (a 5000-digit number raised ValueError)
        return json.loads(text, parse_float=Decimal, parse_int=Decimal, object_pairs_hook=_object)
    except RecursionError:
        raise DataFormatError(where, "not an FTS flow response: the JSON is nested too deeply to read") from None
    except UnicodeDecodeError as exc:
        raise DataFormatError(where, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except json.JSONDecodeError as exc:
        raise DataFormatError(
            where, f"not JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})", line=exc.lineno, column=exc.colno
        ) from None


def _flows_of(doc: Any, where: str) -> list[Any]:
    if not isinstance(doc, Mapping):
        raise DataFormatError(where, f"not an FTS flow response: expected a JSON object, got {type(doc).__name__}")
    status = doc.get("status")
    if status is not None and status != "ok":
        detail = doc.get("message") or doc.get("error") or ""
        raise DataFormatError(where, f"the FTS API answered status {status!r}" + (f": {detail}" if detail else ""))
    data = doc.get("data")
    repeated = [f"'{k}'" for k in _duplicates(doc)] + [f"'data.{k}'" for k in _duplicates(data)]
    if repeated:
        raise DataFormatError(
            where, f"the response repeats the key {', '.join(repeated)}: which one holds the flows is ambiguous"
        )
    flows = data.get("flows") if isinstance(data, Mapping) else None
    if not isinstance(flows, list):
        raise DataFormatError(
            where,
            "not an FTS flow response: no 'data.flows' list (the /v1/public/fts/flow endpoint answers "
            "{'status': 'ok', 'data': {'flows': [...]}, 'meta': {...}})",
        )
    return flows


def _read_pages(pages: Sequence[tuple[str, Any, str]], where: str, errors: str) -> pd.DataFrame:
    check_errors(errors)
    rows: list[dict[str, Any]] = []
    found: list[RecordProblem] = []
    row_problems: list[list[str]] = []
    for page_where, doc, prefix in pages:
        for i, flow in enumerate(_flows_of(doc, page_where)):
            location = f"{prefix}data.flows[{i}]"
            mine: list[tuple[str, str]] = []
            row = _read_flow(flow, mine)
            row["location"] = location
            rows.append(row)
            row_problems.append([f"{field}: {reason}" if field else reason for field, reason in mine])
            found.extend(
                RecordProblem(
                    f"flow {row['id']}" if row.get("id") else None,
                    f"{location}.{field}" if field else location,
                    reason,
                )
                for field, reason in mine
            )
    if found and errors == "raise":
        raise BadRecordsError(where, found, records=len(rows))
    frame = _frame(rows)
    if errors == "coerce":
        frame["problem"] = pd.Series(["; ".join(p) if p else None for p in row_problems], dtype=object)
    frame.attrs["fts"] = {"source": where, "pages": len(pages), "problems": len(found)}
    return frame


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, Decimal):
        return format(value, "f")
    text = " ".join(str(value).split())
    return text or None


def _number(value: Any) -> Decimal:
    if isinstance(value, str):
        raise ValueError(f"{value!r} is text, not a JSON number")
    return to_decimal(value, what="the value")


def _read_flow(flow: Any, problems: list[tuple[str, str]]) -> dict[str, Any]:
    row: dict[str, Any] = {}
    if not isinstance(flow, Mapping):
        problems.append(("", f"a flow must be a JSON object, got {type(flow).__name__}"))
        return row
    for key in _duplicates(flow):
        problems.append((key, "the flow gives this key more than once: which value holds is ambiguous"))
    for side in ("sourceObjects", "destinationObjects"):
        objects = flow.get(side)
        for i, obj in enumerate(objects if isinstance(objects, list) else ()):
            for key in _duplicates(obj):
                problems.append((f"{side}[{i}].{key}", "given more than once in this object: ambiguous"))
    for column, key in _FLOW_FIELDS:
        row[column] = _text(flow.get(key))
    if row["id"] is None:
        problems.append(("id", "missing: every FTS flow has an id"))
    status = row["status"]
    if status is None:
        problems.append(("status", f"missing: expected one of {', '.join(STATUSES)}"))
    elif status.lower() not in STATUSES:
        problems.append(("status", f"{status!r} is not an FTS status ({', '.join(STATUSES)})"))
    else:
        row["status"] = status.lower()
    for column, key in (
        ("amount_usd", "amountUSD"),
        ("original_amount", "originalAmount"),
        ("exchange_rate", "exchangeRate"),
    ):
        value = flow.get(key)
        if value is None:
            if column == "amount_usd":
                problems.append(("amountUSD", "missing: the flow's amount in US dollars"))
            continue
        try:
            row[column] = _number(value)
        except ValueError as exc:
            problems.append((key, f"not a number ({exc})"))
    currency = _text(flow.get("originalCurrency"))
    if currency is not None:
        try:
            row["original_currency"] = normalize_currency(currency)
        except AidtrackError:
            row["original_currency"] = currency
            problems.append(("originalCurrency", f"{currency!r} is not an ISO 4217 currency code"))
    elif row.get("original_amount") is not None:
        problems.append(("originalCurrency", "missing, but originalAmount is given: the amount's currency is unknown"))
    for column, key in _DATE_FIELDS:
        raw = flow.get(key)
        if raw is None:
            if column == "date":
                problems.append(("date", "missing: the flow's date"))
            continue
        m = _DATE_TEXT.fullmatch(str(raw).strip())
        day = None
        if m:
            try:
                day = date.fromisoformat(m.group(1))
            except ValueError:
                day = None
        if day is None:
            problems.append((key, f"{raw!r} is not a date (YYYY-MM-DD or an ISO date-time)"))
        row[column] = day
    for side, key in (("source", "sourceObjects"), ("destination", "destinationObjects")):
        objects = flow.get(key)
        if objects is None:
            continue
        if not isinstance(objects, list):
            problems.append((key, f"must be a list of objects, got {type(objects).__name__}"))
            continue
        names: dict[str, list[str]] = {}
        ids: dict[str, list[str]] = {}
        for obj in objects:
            if not isinstance(obj, Mapping):
                continue
            kind = OBJECT_TYPES.get(str(obj.get("type")))
            if kind is None:
                continue
            name = _text(obj.get("name"))
            ident = _text(obj.get("id"))
            if name is not None:
                names.setdefault(kind, []).append(name)
            if ident is not None:
                ids.setdefault(kind, []).append(ident)
        for kind, values in names.items():
            row[f"{side}_{kind}"] = "; ".join(values)
        for kind, values in ids.items():
            row[f"{side}_{kind}_id"] = ";".join(values)
    return row


def _frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    data: dict[str, Any] = {}
    for col in COLUMNS:
        values = [r.get(col) for r in rows]
        if col in _DATE_COLUMNS:
            data[col] = date_column(values)
        else:
            data[col] = pd.Series(values, dtype=object)
    return pd.DataFrame(data, columns=list(COLUMNS))


def problems(frame: pd.DataFrame) -> pd.DataFrame:
    """The flows of a :func:`read` / :func:`fetch` frame (``errors="coerce"``) with a problem.

    Columns: ``id``, ``location`` and ``reason`` (empty when there is none).
    """
    if "problem" not in frame.columns:
        return pd.DataFrame({"id": [], "location": [], "reason": []}, dtype=object)
    bad = frame[frame["problem"].notna()]
    return pd.DataFrame(
        {"id": bad["id"].tolist(), "location": bad["location"].tolist(), "reason": bad["problem"].tolist()},
        columns=["id", "location", "reason"],
        dtype=object,
    )


# ---------------------------------------------------------------------------
# Fetching


def fetch(
    params: Mapping[str, str | int] | None = None,
    *,
    base_url: str = DEFAULT_BASE_URL,
    client: HttpClient | None = None,
    max_pages: int = 1000,
    errors: Literal["raise", "coerce"] = "raise",
) -> pd.DataFrame:
    """Fetch FTS flows (``GET {base_url}/v1/public/fts/flow?{params}``) and read every page.

    ``params`` are the API's query parameters, e.g. ``{"year": 2025,
    "countryISO3": "UKR"}`` or ``{"planid": 1186}``. The pages are followed
    through ``meta.nextLink`` (which must stay on the same scheme and host as
    ``base_url``; a link elsewhere, a link seen twice or more than
    ``max_pages`` pages is an error, not a silent stop). ``client`` is an
    :class:`~aidtrack.rates.remote.http.HttpClient` (default: the process-wide one), so
    timeouts, retries of 429/5xx answers, the size cap and offline mode
    (``AIDTRACK_OFFLINE=1``) apply. A page that is not an FTS flow response
    raises :class:`~aidtrack.errors.DataFormatError` naming its URL.

    The result is :func:`read`'s frame over all pages; ``location`` names the
    page (``page 2: data.flows[3]``) and ``df.attrs["fts"]`` the URL and
    number of pages.
    """
    from aidtrack.rates.remote.http import default_client

    if max_pages < 1:
        raise InvalidArgumentError("max_pages", max_pages, f"max_pages must be 1 or more, got {max_pages}")
    http = client if client is not None else default_client()
    url = base_url.rstrip("/") + FLOW_PATH
    origin = _origin(url)
    query = {str(k): str(v) for k, v in (params or {}).items()}
    pages: list[tuple[str, Any, str]] = []
    seen: set[str] = set()
    next_url: str | None = url
    while next_url is not None:
        if len(pages) >= max_pages:
            raise DataFormatError(
                url, f"more than {max_pages} pages (max_pages={max_pages}); narrow the query or raise max_pages"
            )
        fetched = http.get(next_url, params=query if not pages else None, accept="application/json")
        where = fetched.url
        doc = _parse(fetched.content, where)
        _flows_of(doc, where)
        prefix = f"page {len(pages) + 1}: " if pages or _next_link(doc, where) else ""
        pages.append((where, doc, prefix))
        seen.add(where)
        link = _next_link(doc, where)
        if link is not None:
            if _origin(link) != origin:
                raise DataFormatError(
                    where, f"meta.nextLink {link!r} leaves {origin}; aidtrack follows pages on the API's own host only"
                )
            if link in seen:
                raise DataFormatError(where, f"meta.nextLink {link!r} points to a page already read (a paging loop)")
        next_url = link
    if len(pages) > 1 and not pages[0][2]:
        pages[0] = (pages[0][0], pages[0][1], "page 1: ")
    frame = _read_pages(pages, url, errors)
    frame.attrs["fts"]["url"] = url
    frame.attrs["fts"]["params"] = query
    return frame


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


def _next_link(doc: Mapping[str, Any], where: str) -> str | None:
    meta = doc.get("meta")
    link = meta.get("nextLink") if isinstance(meta, Mapping) else None
    if link is None or link == "":
        return None
    if not isinstance(link, str) or not link.lower().startswith(("http://", "https://")):
        raise DataFormatError(where, f"meta.nextLink {link!r} is not an http(s) URL")
    return link


# ---------------------------------------------------------------------------
# Comparing, totals, pledges


def compare(
    frame: pd.DataFrame,
    *,
    policy: PolicyLike = "daily",
    date_column: str = "date",
    source: SourceLike | None = None,
    rounding: Rounding | str = "half_even",
    errors: Literal["raise", "coerce"] = "raise",
) -> pd.DataFrame:
    """Add aidtrack's USD conversion of each flow's original amount, and its difference from FTS's ``amountUSD``.

    Each flow with an original amount and currency is converted with
    :func:`aidtrack.frames.convert.convert_frame` at its ``date_column`` (``"date"``
    by default; ``"decision_date"`` is the other natural choice) under
    ``policy``. Added columns:

    =========================  ==================================================
    ``aidtrack_usd``           aidtrack's figure (``Decimal``, to the cent)
    ``rate``                   US dollars per unit of the original currency
    ``aidtrack_exchange_rate`` the same rate in FTS's convention: units of the
                               original currency per US dollar (float, for
                               reading beside ``exchange_rate``)
    ``fixing_date`` (or        the ECB fixing(s) used, and ``rate_source``:
    ``fixing_first`` ...)      the provenance of each figure
    ``difference_usd``         ``amount_usd - aidtrack_usd`` (``Decimal``)
    ``difference_relative``    ``difference_usd / aidtrack_usd`` (float;
                               0.01 is 1 %)
    ``comparison``             ``"compared"``, or why the flow could not be:
                               FTS gives no original amount (only its USD
                               figure), or aidtrack has no rate for it
    =========================  ==================================================

    A flow without an original amount is never an error (there is nothing to
    compare). A flow aidtrack cannot convert (no rate for that currency and
    date) raises :class:`~aidtrack.errors.BadRecordsError` listing all such
    flows, unless ``errors="coerce"``.
    """
    from aidtrack.files._columns import spread
    from aidtrack.frames.convert import META_KEY, convert_frame

    for col in ("id", "amount_usd", "original_amount", "original_currency", date_column):
        if col not in frame.columns:
            raise InvalidArgumentError("frame", col, f"compare() needs an FTS frame from fts.read(); no {col!r} column")
    comparable = (
        frame["original_amount"].notna().to_numpy()
        & frame["original_currency"].notna().to_numpy()
        & frame[date_column].notna().to_numpy()
    )
    if "problem" in frame.columns:
        comparable &= frame["problem"].isna().to_numpy()
    part = frame.loc[comparable, ["original_amount", "original_currency", date_column]]
    conv = convert_frame(
        part,
        "USD",
        policy=policy,
        source=source,
        rounding=rounding,
        errors="coerce",
        amount="original_amount",
        currency="original_currency",
        date=date_column,
        into="aidtrack_usd",
        dtype="decimal",
    )
    out = frame.copy()
    n = len(frame)
    notes: list[str] = ["compared"] * n
    for i in np.flatnonzero(~comparable).tolist():
        if "problem" in frame.columns and frame["problem"].iat[i] is not None:
            notes[i] = "not compared: the flow has a problem (see 'problem')"
        elif frame[date_column].isna().iat[i]:
            notes[i] = f"not compared: no {date_column}"
        else:
            notes[i] = "not compared: FTS gives no original amount and currency, only its USD figure"
    added = [c for c in conv.columns if c not in part.columns and c != "problem"]
    positions = np.flatnonzero(comparable)
    for col in added:
        out[col] = spread(conv[col], positions, frame.index)
    found: list[RecordProblem] = []
    if "problem" in conv.columns:
        for pos, reason in zip(positions.tolist(), conv["problem"].tolist(), strict=True):
            if reason is not None and reason == reason:
                notes[pos] = f"not compared: {reason}"
                found.append(
                    RecordProblem(f"flow {frame['id'].iat[pos]}", str(frame["location"].iat[pos]), str(reason))
                )
    if found and errors == "raise":
        raise BadRecordsError(frame.attrs.get("fts", {}).get("source", "<FTS flows>"), found, records=n)
    ours = out["aidtrack_usd"].tolist()
    theirs = frame["amount_usd"].tolist()
    diff: list[Decimal | None] = [
        (t - o) if (o is not None and t is not None) else None for o, t in zip(ours, theirs, strict=True)
    ]
    out["aidtrack_exchange_rate"] = 1.0 / out["rate"].astype("float64")
    out["difference_usd"] = pd.Series(diff, index=frame.index, dtype=object)
    out["difference_relative"] = pd.Series(
        [float(d / o) if d is not None and o else np.nan for d, o in zip(diff, ours, strict=True)],
        index=frame.index,
        dtype="float64",
    )
    out["comparison"] = pd.Series(notes, index=frame.index, dtype=object)
    out.attrs = dict(frame.attrs)
    meta = dict(conv.attrs[META_KEY])
    meta["problems"] = len(found)
    out.attrs["fts_compare"] = meta
    return out


def totals(frame: pd.DataFrame, by: str | Sequence[str] = ()) -> pd.DataFrame:
    """Totals of FTS flows by ``status`` and the columns ``by``: pledges, commitments and payments apart.

    ``status`` is always the first key (it cannot be left out, so a pledge is
    never added to funding); ``by`` adds more columns of the frame, e.g.
    ``by=["source_org"]`` or ``by=["destination_plan", "budget_year"]``.
    Each row has ``flows`` (how many), ``amount_usd`` (FTS's dollars, exact
    ``Decimal``) and, for a :func:`compare` frame, ``aidtrack_usd`` and
    ``difference_usd`` summed over the flows that were compared and
    ``compared`` (how many were). FTS's own "funding" is the sum of the
    ``commitment`` and ``paid`` rows.
    """
    keys = [by] if isinstance(by, str) else list(by)
    keys = ["status", *[k for k in keys if k != "status"]]
    missing = [k for k in keys if k not in frame.columns]
    if missing:
        raise InvalidArgumentError("by", by, f"the frame has no column {missing[0]!r} to group by")
    sums = [c for c in ("amount_usd", "aidtrack_usd", "difference_usd") if c in frame.columns]
    work = frame[keys + sums].copy()
    for k in keys:
        work[k] = work[k].astype(object).where(work[k].notna(), "(none)")
    if "aidtrack_usd" in sums:
        work["compared"] = work["aidtrack_usd"].notna().astype("int64")
    grouped = work.groupby(keys, sort=True, dropna=False)
    result = grouped.size().rename("flows").to_frame()
    for col in sums:
        result[col] = grouped[col].agg(_exact_sum)
    if "compared" in work.columns:
        result["compared"] = grouped["compared"].sum().astype("int64")
    result = result.reset_index()
    order = {s: i for i, s in enumerate(STATUSES)}
    result = result.sort_values("status", key=lambda s: s.map(lambda v: order.get(v, len(order))), kind="stable")
    return result.reset_index(drop=True)


def _exact_sum(values: Iterable[Any]) -> Decimal:
    return sum((v for v in values if v is not None and v == v), Decimal(0))


def to_pledges(frame: pd.DataFrame, *, measures: Mapping[str, str] | None = None) -> list[Pledge]:
    """One :class:`~aidtrack.pledge.Pledge` per flow: donor = the source organisation, at the flow's date.

    The amount is the original amount in its currency when FTS has one, else
    FTS's ``amountUSD`` in USD (then FTS knows no other figure). ``measures``
    maps an FTS status to a pledge measure (default :data:`MEASURES`:
    ``commitment`` → ``commitment``, ``paid`` → ``disbursement``); a flow
    whose status is not mapped (an FTS ``pledge``, by default) is an error,
    as is a flow without a positive amount (FTS's ``Parked`` parent flows
    carry 0; their child flows carry the money) or a source organisation:
    filter the frame first, e.g. ``frame[frame.status != "pledge"]``.
    Raises :class:`~aidtrack.errors.BadRecordsError` listing every such flow.
    The category is ``humanitarian``; the recipient the destination location
    (else organisation); ``notes`` names the flow id and FTS status.
    """
    from aidtrack.money import Money
    from aidtrack.pledge import Category, Measure, Pledge, SourceRef

    mapping = dict(MEASURES if measures is None else measures)
    for key, measure in mapping.items():
        if key not in STATUSES:
            raise InvalidArgumentError("measures", measures, f"{key!r} is not an FTS status ({', '.join(STATUSES)})")
        Measure(measure)
    pledges: list[Pledge] = []
    found: list[RecordProblem] = []
    records: list[dict[Any, Any]] = frame.to_dict(orient="records")
    for row in records:
        flow = f"flow {row.get('id')}"
        where = str(row.get("location") or "")
        status = row.get("status")
        if status not in mapping:
            found.append(
                RecordProblem(
                    flow,
                    where,
                    f"FTS status {status!r} has no pledge measure (FTS counts pledges apart from commitments and "
                    "payments): filter the frame, or pass measures={...}",
                )
            )
            continue
        if row.get("original_amount") is not None and row.get("original_currency") is not None:
            amount = Money(row["original_amount"], row["original_currency"])
        elif row.get("amount_usd") is not None:
            amount = Money(row["amount_usd"], "USD")
        else:
            found.append(RecordProblem(flow, where, "no amount"))
            continue
        donor: str | None = row.get("source_org")
        day: Any = row.get("date")
        reason = None
        if amount.amount <= 0:
            reason = f"amount {amount.amount} {amount.currency} is not positive (a 'Parked' parent flow?)"
        elif not donor:
            reason = "no source organisation (the donor)"
        elif day is None or pd.isna(day):
            reason = "no date"
        if reason:
            found.append(RecordProblem(flow, where, reason))
            continue
        recipient = row.get("destination_location") or row.get("destination_org") or "not specified"
        try:
            pledges.append(
                Pledge(
                    donor=donor,
                    announced=pd.Timestamp(day).date(),
                    amount=amount,
                    category=Category.HUMANITARIAN,
                    measure=Measure(mapping[status]),
                    recipient=recipient,
                    source=SourceRef(title=f"FTS flow {row.get('id')}", publisher="OCHA Financial Tracking Service"),
                    notes=f"FTS flow {row.get('id')}, status {status}",
                )
            )
        except AidtrackError as exc:
            found.append(RecordProblem(flow, where, str(exc)))
    if found:
        raise BadRecordsError(frame.attrs.get("fts", {}).get("source", "<FTS flows>"), found, records=len(frame))
    return pledges
