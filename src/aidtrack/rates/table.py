"""``RateTable``: daily fixings of many currencies against one base currency (pure data).

A table maps each currency to its fixings (date, rate), where a rate is the
number of units of the currency per one unit of the table's ``base`` (the ECB
quotes "USD 1.0305" per EUR). It knows nothing about files or networks: the
parsers in :mod:`aidtrack.rates.parsers.ecb` and :mod:`aidtrack.rates.parsers.user` build tables
from bytes, and :mod:`aidtrack.rates.sources` decides where the bytes come from.

Rates are kept as the exact decimal strings of the source and turned into
``Decimal`` on use, so nothing is ever rounded through a float.

**Pickling.** A table pickles (``pickle`` and ``cloudpickle``) as its compact
rows: each currency's fixing days (delta-coded, compressed) and exact rate
strings, plus a SHA-256 of those rows. Unpickling checks the SHA-256 (a
damaged payload raises :class:`~aidtrack.errors.RateDataError`) and builds
each currency's :class:`Series` lazily, on first use, so a table sent to a
worker process (Dask, ``multiprocessing``) costs little until it converts:

>>> import pickle
>>> t = RateTable.from_rows([("2025-01-09", "USD", "1.0305")], base="EUR", key="mine", name="my table")
>>> u = pickle.loads(pickle.dumps(t))
>>> u.series("USD").raw, u.info == t.info, u.content_sha256 == t.content_sha256
(['1.0305'], True, True)
"""

from __future__ import annotations

import hashlib
import operator
import struct
import weakref
import zlib
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import cached_property
from itertools import accumulate
from typing import TYPE_CHECKING, Any, overload

from aidtrack.amounts import RATE_CONTEXT
from aidtrack.currency import normalize_currency
from aidtrack.errors import InvalidArgumentError, RateDataError, UnknownCurrencyError

_PICKLE_VERSION = 1

if TYPE_CHECKING:
    import numpy as np

__all__ = [
    "FREQUENCIES",
    "MEASURES",
    "PackedColumn",
    "PackedRates",
    "RateTable",
    "Series",
    "SourceInfo",
    "implausible_rate",
    "period_bounds",
    "period_label",
    "rate_problem",
]

FREQUENCIES = {"D": "daily", "M": "monthly", "Q": "quarterly", "A": "annual"}
"""Table frequencies: ``D`` daily fixings; ``M``/``Q``/``A`` one published rate per month, quarter or year."""
MEASURES = {"fixing": "daily fixing", "average": "average of period", "end_of_period": "end of period"}
"""What a table's values are: daily fixings, or (period tables) the average of the period or its last value."""


def period_bounds(frequency: str, day: date) -> tuple[date, date]:
    """The first and last day of the ``frequency`` period (``M``, ``Q``, ``A``) holding ``day``.

    >>> period_bounds("A", date(2024, 6, 30)), period_bounds("Q", date(2024, 5, 2))[0]
    ((datetime.date(2024, 1, 1), datetime.date(2024, 12, 31)), datetime.date(2024, 4, 1))
    """
    if frequency == "A":
        return date(day.year, 1, 1), date(day.year, 12, 31)
    if frequency == "Q":
        first_month = 3 * ((day.month - 1) // 3) + 1
        start = date(day.year, first_month, 1)
        nxt = date(day.year + 1, 1, 1) if first_month == 10 else date(day.year, first_month + 3, 1)
        return start, nxt - timedelta(days=1)
    if frequency == "M":
        nxt = date(day.year + 1, 1, 1) if day.month == 12 else date(day.year, day.month + 1, 1)
        return date(day.year, day.month, 1), nxt - timedelta(days=1)
    if frequency == "D":
        return day, day
    raise InvalidArgumentError("frequency", frequency, f"frequency must be one of {', '.join(FREQUENCIES)}")


def period_label(frequency: str, day: date) -> str:
    """``"2024"``, ``"2024-Q2"``, ``"2024-06"`` or ``"2024-06-30"`` for the period holding ``day``.

    >>> period_label("A", date(2024, 6, 30)), period_label("Q", date(2024, 6, 30))
    ('2024', '2024-Q2')
    """
    if frequency == "A":
        return str(day.year)
    if frequency == "Q":
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    if frequency == "M":
        return f"{day.year}-{day.month:02d}"
    return day.isoformat()


@dataclass(frozen=True, slots=True)
class SourceInfo:
    """Where a rate table came from, recorded in every conversion's provenance.

    ``last_date`` is the last fixing day in the data; ``retrieved`` is when the
    data was downloaded (``None`` for the bundled snapshot, whose age is its
    ``last_date``); ``sha256`` identifies the exact bytes that were parsed.
    ``stale`` is ``True`` when a network source answered from a step below
    fresh data (a stale cache or the bundled snapshot), and ``fallback`` then
    says why; ``cache_path`` is the cached file the table was read from.
    """

    key: str
    name: str
    base: str
    first_date: date
    last_date: date
    url: str | None = None
    retrieved: datetime | None = None
    sha256: str | None = None
    stale: bool = False
    fallback: str | None = None
    cache_path: str | None = None
    frequency: str = "D"
    """``D`` (daily fixings) or, for a period table, ``M``, ``Q`` or ``A`` (see :data:`FREQUENCIES`)."""
    measure: str = "fixing"
    """``fixing``, or for a period table ``average`` (of period) or ``end_of_period`` (see :data:`MEASURES`)."""
    vintage: str | None = None
    """Which release of the data this is (e.g. the date the publisher's file was taken), when known."""
    attribution: str | None = None
    """The credit line the data's licence requires (e.g. ``"Source: International Monetary Fund."``)."""

    def age_days(self, today: date | None = None) -> int:
        """Days between the last fixing in the data and ``today``."""
        return ((today or date.today()) - self.last_date).days

    def replace(self, **changes: Any) -> SourceInfo:
        """A copy with some fields changed (e.g. ``stale=True``)."""
        import dataclasses

        return dataclasses.replace(self, **changes)


@dataclass
class Series:
    """The fixings of one currency, oldest first: day ordinals and exact rate strings."""

    currency: str
    ordinals: array[int]
    raw: Sequence[str]
    _numpy: tuple[Any, Any] | None = field(default=None, repr=False)

    def __len__(self) -> int:
        return len(self.ordinals)

    def __reduce__(self) -> tuple[Any, ...]:
        # compact: delta-coded days and one ASCII string of rates (not thousands of small str objects)
        return (_series_from_packed, (self.currency, _deltas(self.ordinals), _join_rates(self.raw)))

    @property
    def first(self) -> date:
        return date.fromordinal(self.ordinals[0])

    @property
    def last(self) -> date:
        return date.fromordinal(self.ordinals[-1])

    def index_of(self, day: date) -> int | None:
        """Position of the fixing on ``day``, or ``None``."""
        o = day.toordinal()
        i = bisect_left(self.ordinals, o)
        if i < len(self.ordinals) and self.ordinals[i] == o:
            return i
        return None

    def rate(self, i: int) -> Decimal:
        return Decimal(self.raw[i])

    def between(self, start: date, end: date) -> range:
        """Positions of the fixings from ``start`` to ``end`` inclusive."""
        lo = bisect_left(self.ordinals, start.toordinal())
        hi = bisect_right(self.ordinals, end.toordinal())
        return range(lo, hi)

    def as_numpy(self) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
        """``(ordinals int64, rates float64)`` for vectorised lookups (cached).

        The floats round-trip exactly to the source's decimal strings for the
        ECB's at most 6 significant digits; exact results still use ``rate()``.
        """
        if self._numpy is None:
            import numpy as np

            self._numpy = (
                np.asarray(self.ordinals, dtype=np.int64),
                np.asarray([float(v) for v in self.raw], dtype=np.float64),
            )
        return self._numpy


def _deltas(ordinals: Sequence[int]) -> bytes:
    """Day ordinals as little-endian int32 differences (the first one absolute): small, and compress well."""
    out = array("i", map(operator.sub, ordinals, [0, *ordinals[:-1]]))
    if out.itemsize != 4:  # pragma: no cover - every CPython platform has a 4-byte C int
        raise RuntimeError("array('i') is not 4 bytes wide on this platform")
    return out.tobytes() if struct.pack("=i", 1) == struct.pack("<i", 1) else _swapped(out)


def _swapped(values: array[int]) -> bytes:  # pragma: no cover - big-endian platforms only
    copy = array(values.typecode, values)
    copy.byteswap()
    return copy.tobytes()


def _undeltas(data: bytes | memoryview) -> array[int]:
    values = array("i")
    values.frombytes(data)
    if struct.pack("=i", 1) != struct.pack("<i", 1):  # pragma: no cover - big-endian platforms only
        values.byteswap()
    return array("l", accumulate(values))


def _join_rates(raw: Sequence[str]) -> bytes:
    if isinstance(raw, PackedRates):
        return raw.packed
    return "\n".join(raw).encode("ascii")


def _split_rates(data: bytes | memoryview) -> list[str]:
    text = bytes(data).decode("ascii")
    return text.split("\n") if text else []


class PackedRates(Sequence[str]):
    """A series' exact rate strings kept as one ASCII buffer (``"1.0305\\n1.0304..."``), each decoded when read.

    What a series of an unpickled table (a worker's copy) holds instead of one ``str`` per fixing: about an
    eighth of the memory, which counts in every worker process. It reads as the list of strings it stands
    for, and equals that list; the first read by position costs a pass over the buffer.

    >>> r = PackedRates(b"1.0305\\n1.0304\\n0.99")
    >>> len(r), r[1], r[-1], list(r) == ["1.0305", "1.0304", "0.99"], r == ["1.0305", "1.0304", "0.99"]
    (3, '1.0304', '0.99', True, True)
    """

    __slots__ = ("_ends", "_size", "packed")

    def __init__(self, packed: bytes) -> None:
        self.packed = packed
        """The strings joined by newlines, ASCII (what a pickled table carries)."""
        self._size = packed.count(b"\n") + 1 if packed else 0
        self._ends: array[int] | None = None  # the running sum of the lengths, built on the first read by position

    def __len__(self) -> int:
        return self._size

    def __iter__(self) -> Iterator[str]:
        return iter(self.packed.decode("ascii").split("\n") if self._size else ())

    def _lengths(self) -> array[int]:
        ends = self._ends
        if ends is None:  # the strings' lengths added up (string k starts k newlines later)
            wide = "q" if len(self.packed) >= 2**31 else "i"  # 4 bytes a string, as long as the buffer allows
            ends = self._ends = array(wide, accumulate(map(len, self.packed.split(b"\n"))))
        return ends

    @overload
    def __getitem__(self, i: int) -> str: ...
    @overload
    def __getitem__(self, i: slice) -> list[str]: ...
    def __getitem__(self, i: int | slice) -> str | list[str]:
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(self._size))]
        k = operator.index(i)
        if k < 0:
            k += self._size
        if not 0 <= k < self._size:
            raise IndexError("rate index out of range")
        ends = self._lengths()
        return self.packed[ends[k - 1] + k if k else 0 : ends[k] + k].decode("ascii")

    def __eq__(self, other: object) -> bool:
        if isinstance(other, PackedRates):
            return self.packed == other.packed
        if isinstance(other, list):
            return list(self) == other
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # a sequence that equals a list: unhashable, as a list is

    def __repr__(self) -> str:
        return repr(list(self))

    def __reduce__(self) -> tuple[Any, ...]:
        return (PackedRates, (self.packed,))


def _series_from_packed(currency: str, days: bytes, rates: bytes, *, compact: bool = True) -> Series:
    """A series from its packed bytes; ``compact``: its rates as :class:`PackedRates`, else a list of ``str``."""
    ordinals = _undeltas(days)
    raw: Sequence[str] = PackedRates(bytes(rates)) if compact else _split_rates(rates)
    if len(ordinals) != len(raw):
        raise RateDataError(f"a pickled {currency} series has {len(ordinals)} days but {len(raw)} rates")
    return Series(currency, ordinals, raw)


class PackedColumn:
    """One currency of an unpickled table, kept as its packed bytes until first used (then a :class:`Series`).

    The bytes were checked against the table's SHA-256 when it was unpickled;
    calling the column builds the series.
    """

    __slots__ = ("currency", "days", "rates")

    def __init__(self, currency: str, days: bytes, rates: bytes) -> None:
        self.currency = currency
        self.days = days
        self.rates = rates

    def __call__(self) -> Series:
        return _series_from_packed(self.currency, self.days, self.rates)

    def packed(self) -> tuple[bytes, bytes]:
        """The column as a pickled table carries it: day differences and rate strings, without building the series."""
        return self.days, self.rates


def _sections(parts: Sequence[bytes]) -> bytes:
    return b"".join(struct.pack("<Q", len(p)) + p for p in parts)


def _unsections(data: bytes) -> list[bytes]:
    parts: list[bytes] = []
    view = memoryview(data)
    at = 0
    while at < len(view):
        (size,) = struct.unpack_from("<Q", view, at)
        at += 8
        parts.append(bytes(view[at : at + size]))
        at += size
    return parts


def _packed_digest(head: bytes, body: bytes) -> str:
    return hashlib.sha256(head + b"\0" + body).hexdigest()


def _rebuild_table(
    version: int,
    base: str,
    quoted_in_base: bool,
    info: SourceInfo,
    names: tuple[str, ...],
    blob: bytes,
    digest: str,
) -> RateTable:
    """Unpickle a :class:`RateTable`: check the rows' SHA-256, then build each currency lazily."""
    where = f"a pickled rate table ({info.name})"
    if version != _PICKLE_VERSION:
        raise RateDataError(
            f"pickled with table format {version}, this aidtrack reads format {_PICKLE_VERSION}: "
            "use the same aidtrack version on the client and the workers",
            where=where,
        )
    try:
        body = zlib.decompress(blob)
    except zlib.error as exc:
        raise RateDataError(f"the packed rows do not decompress ({exc})", where=where) from None
    head = _table_head(base, quoted_in_base, names)
    found = _packed_digest(head, body)
    if found != digest:
        raise RateDataError(f"the packed rows are damaged: SHA-256 {found}, expected {digest}", where=where)
    known = _ARRIVED.get((digest, info))
    if known is not None and known.base == base:  # the same rows already arrived in this process: share them
        return known
    parts = _unsections(body)
    if len(parts) != 1 + 2 * len(names):
        raise RateDataError(f"expected {1 + 2 * len(names)} packed sections, got {len(parts)}", where=where)
    columns: dict[str, Callable[[], Series] | Series] = {
        cur: PackedColumn(cur, parts[1 + 2 * k], parts[2 + 2 * k]) for k, cur in enumerate(names)
    }
    table = RateTable(
        base=base, calendar=_undeltas(parts[0]), columns=columns, info=info, quoted_in_base=quoted_in_base
    )
    table._pack = (names, blob, digest)  # pickling it again (a worker passing it on) costs nothing
    _ARRIVED[(digest, info)] = table
    return table


_ARRIVED: weakref.WeakValueDictionary[tuple[str, SourceInfo], RateTable] = weakref.WeakValueDictionary()
"""Tables unpickled in this process, by rows' SHA-256 and info: a copy that arrives again (another task,
another computation) is the same object, so what was computed from it (means, lookup arrays) is reused."""


def _table_head(base: str, quoted_in_base: bool, names: Sequence[str]) -> bytes:
    return f"aidtrack-rate-table/{_PICKLE_VERSION}|{base}|{int(quoted_in_base)}|{','.join(names)}".encode("ascii")


RATE_RANGE = (Decimal("1e-30"), Decimal("1e30"))
"""A rate (units per unit of the base) outside this range is refused as data damage (a misplaced
exponent, say): it lies far beyond any published rate, and beyond it ``amount x rate`` leaves the
60 exact digits of aidtrack's arithmetic (a rate of 1E+400 turned USD 100 into EUR 0.00)."""


def implausible_rate(rate: Decimal) -> str | None:
    """Why a positive ``rate`` cannot be a real exchange rate (outside :data:`RATE_RANGE`), else ``None``.

    >>> implausible_rate(Decimal("1.0921")) is None, implausible_rate(Decimal("1e400")) is not None
    (True, True)
    """
    low, high = RATE_RANGE
    if low <= rate < high:
        return None
    return (
        f"rate {rate} is outside the range of a real exchange rate (at least {low}, below {high} units per "
        "unit of the base): check the rate column (a misplaced exponent or decimal point?)"
    )


def rate_problem(rate: Decimal, currency: str, base: str, given: object) -> str | None:
    """Why ``rate`` (read from ``given``) cannot be ``currency``'s rate against ``base``, else ``None``: not positive,
    outside :data:`RATE_RANGE`, or a rate of the base currency other than 1."""
    if rate <= 0:
        return f"rate must be positive, got {given!r}"
    if (problem := implausible_rate(rate)) is not None:
        return problem
    if currency == base and rate != 1:
        return f"the base currency {base} must have rate 1, got {given!r}"
    return None


class RateTable:
    """Fixings of several currencies per one unit of ``base``, with their source.

    Rates are normally stored as the source quotes them *per one unit of the
    base* (the ECB: USD 1.0305 per EUR). A table with ``quoted_in_base=True``
    stores the opposite direction, *units of the base per one unit of the
    currency* (the Bank of Canada: CAD 1.3678 per USD), exactly as published;
    fixings and means are then taken over the published quotes, so a monthly
    mean is the mean the source itself would compute; a conversion divides by
    those quotes (:mod:`aidtrack.conversion`), and each leg's ``rate`` reports
    the inverse, :meth:`per_base`.

    Build one with :meth:`from_rows` (any rows), or with a parser such as
    :func:`aidtrack.rates.parsers.ecb.parse_eurofxref_zip`. A ``RateTable`` is also a rate
    source: ``table.load()`` returns the table itself.

    >>> t = RateTable.from_rows([("2025-01-09", "USD", "1.0305"), ("2025-01-10", "USD", "1.0304")],
    ...                         base="EUR", key="mine", name="my table")
    >>> t.currencies, t.bounds("USD")
    (('EUR', 'USD'), (datetime.date(2025, 1, 9), datetime.date(2025, 1, 10)))
    """

    def __init__(
        self,
        *,
        base: str,
        calendar: Sequence[int],
        columns: Mapping[str, Callable[[], Series] | Series],
        info: SourceInfo,
        quoted_in_base: bool = False,
    ) -> None:
        self.base = base
        self.info = info
        self.quoted_in_base = quoted_in_base
        self._calendar = calendar
        self._columns: dict[str, Callable[[], Series] | Series] = dict(columns)
        self._currencies = tuple(sorted({base, *self._columns}))
        self._pack: tuple[tuple[str, ...], bytes, str] | None = None
        self._priced: dict[tuple[Any, ...], Any] = {}
        """What :mod:`aidtrack.conversion` memoises about this table (its rows never change)."""

    # -- pickling: compact rows plus their SHA-256, rebuilt lazily ------------------
    def _packed(self) -> tuple[tuple[str, ...], bytes, str]:
        """``(currencies, compressed rows, SHA-256 of the rows)``, computed once (builds every column)."""
        if self._pack is None:
            names = tuple(sorted(self._columns))
            parts = [_deltas(self._calendar)]
            for cur in names:
                col = self._columns[cur]
                if isinstance(col, PackedColumn):  # still packed: its bytes as they are (no str per fixing)
                    parts += col.packed()
                else:
                    s = self.series(cur)
                    parts += [_deltas(s.ordinals), _join_rates(s.raw)]
            body = _sections(parts)
            digest = _packed_digest(_table_head(self.base, self.quoted_in_base, names), body)
            self._pack = (names, zlib.compress(body, 6), digest)
        return self._pack

    @property
    def content_sha256(self) -> str:
        """SHA-256 of the table's rows (base, direction, every currency's days and exact rates).

        Two tables with the same fixings have the same digest whatever their
        :class:`SourceInfo`; it is what a pickled table is checked against.
        """
        return self._packed()[2]

    def __reduce__(self) -> tuple[Any, ...]:
        names, blob, digest = self._packed()
        return (
            _rebuild_table,
            (_PICKLE_VERSION, self.base, self.quoted_in_base, self.info, names, blob, digest),
        )

    def __dask_tokenize__(self) -> tuple[str, str, SourceInfo]:
        """A stable Dask token: the rows' SHA-256 and the source info (never the object's id)."""
        return ("aidtrack.RateTable", self.content_sha256, self.info)

    # -- the source protocol --------------------------------------------------
    def load(self) -> RateTable:
        """A table is its own rate source."""
        return self

    @property
    def name(self) -> str:
        return self.info.name

    def with_info(self, info: SourceInfo) -> RateTable:
        """The same fixings (shared, not copied) under another :class:`SourceInfo`."""
        if info.base != self.base:
            raise InvalidArgumentError(
                "info", info, f"info.base {info.base!r} differs from the table's base {self.base!r}"
            )
        table = RateTable(
            base=self.base, calendar=self._calendar, columns={}, info=info, quoted_in_base=self.quoted_in_base
        )
        table._columns = self._columns  # shared: a lazily built column is built once for both
        table._currencies = self._currencies
        table._pack = self._pack
        return table

    # -- construction ---------------------------------------------------------
    @classmethod
    def from_rows(
        cls,
        rows: Iterable[tuple[date | str, str, Decimal | str | float | int]],
        *,
        base: str,
        key: str,
        name: str,
        url: str | None = None,
        retrieved: datetime | None = None,
        sha256: str | None = None,
        quoted_in_base: bool = False,
        frequency: str = "D",
        measure: str | None = None,
        vintage: str | None = None,
        attribution: str | None = None,
    ) -> RateTable:
        """Build a table from ``(date, currency, rate)`` rows, rate = currency units per ``base``
        (or, with ``quoted_in_base=True``, units of ``base`` per unit of the currency).

        With ``frequency`` ``"M"``, ``"Q"`` or ``"A"`` the table is a *period table*: each row's
        date may be any day of its period (publishers often date a year ``YYYY-12-31``), and the
        rate answers for the whole period (``measure`` ``"average"``, the default, or
        ``"end_of_period"``). Two rows for one currency and period with different rates are an error.

        Raises :class:`~aidtrack.errors.RateDataError` for a non-positive or
        non-numeric rate, a duplicate (date, currency) with different rates,
        or no rows at all.
        """
        from aidtrack._dates import parse_iso_date
        from aidtrack.amounts import to_decimal

        base = normalize_currency(base)
        if frequency not in FREQUENCIES:
            raise InvalidArgumentError("frequency", frequency, f"frequency must be one of {', '.join(FREQUENCIES)}")
        measure = measure or ("fixing" if frequency == "D" else "average")
        if measure not in MEASURES or (measure == "fixing") != (frequency == "D"):
            raise InvalidArgumentError(
                "measure",
                measure,
                "measure is 'fixing' for a daily table, 'average' or 'end_of_period' for a period one",
            )
        by_currency: dict[str, dict[int, str]] = {}
        for n, (day, currency, rate) in enumerate(rows, start=1):
            try:
                d = parse_iso_date(day)
                cur = normalize_currency(currency)
                dec = to_decimal(rate, what="rate", limit=False)
            except (ValueError, UnknownCurrencyError) as exc:
                raise RateDataError(str(exc), where=name, line=n) from exc
            if (problem := rate_problem(dec, cur, base, rate)) is not None:
                raise RateDataError(problem, where=name, line=n)
            if cur == base:
                continue
            col = by_currency.setdefault(cur, {})
            o = period_bounds(frequency, d)[0].toordinal() if frequency != "D" else d.toordinal()
            text = str(dec)
            if o in col and Decimal(col[o]) != dec:
                raise RateDataError(
                    f"two different {cur} rates for {d.isoformat()}: {col[o]} and {text}", where=name, line=n
                )
            col[o] = text
        if not by_currency:
            raise RateDataError("no rates in the data", where=name)
        columns: dict[str, Series] = {}
        for cur, col in by_currency.items():
            ords = sorted(col)
            columns[cur] = Series(cur, array("l", ords), [col[o] for o in ords])
        calendar = sorted({o for col in by_currency.values() for o in col})
        last = date.fromordinal(calendar[-1])
        info = SourceInfo(
            key=key,
            name=name,
            base=base,
            first_date=date.fromordinal(calendar[0]),
            last_date=period_bounds(frequency, last)[1] if frequency != "D" else last,
            url=url,
            retrieved=retrieved,
            sha256=sha256,
            frequency=frequency,
            measure=measure,
            vintage=vintage,
            attribution=attribution,
        )
        return cls(base=base, calendar=array("l", calendar), columns=columns, info=info, quoted_in_base=quoted_in_base)

    # -- queries --------------------------------------------------------------
    @property
    def frequency(self) -> str:
        """``"D"`` for daily fixings; ``"M"``, ``"Q"`` or ``"A"`` for a period table."""
        return self.info.frequency

    @property
    def is_period_table(self) -> bool:
        """Whether one published rate answers for a whole month, quarter or year."""
        return self.info.frequency != "D"

    def describe_kind(self) -> str:
        """``"daily fixings"`` or e.g. ``"annual averages"`` / ``"monthly end-of-period rates"``."""
        if not self.is_period_table:
            return "daily fixings"
        what = "averages" if self.info.measure == "average" else "end-of-period rates"
        return f"{FREQUENCIES[self.info.frequency]} {what}"

    def per_base(self, value: Decimal) -> Decimal:
        """A fixing or mean of this table as units of the currency per one unit of the base.

        The identity for tables quoted per base (the ECB); ``1 / value`` to 28
        significant digits for tables quoted in base units (the Bank of Canada).
        """
        return RATE_CONTEXT.divide(Decimal(1), value) if self.quoted_in_base else value

    @property
    def currencies(self) -> tuple[str, ...]:
        """Every currency the table can convert, the base included, sorted."""
        return self._currencies

    def __contains__(self, currency: object) -> bool:
        return currency in self._currencies

    def series(self, currency: str) -> Series:
        """The fixings of ``currency`` (not the base), materialised on first use."""
        try:
            col = self._columns[currency]
        except KeyError:
            raise UnknownCurrencyError(
                currency, known=[c for c in self._currencies if c != self.base], where=self.info.name
            ) from None
        if not isinstance(col, Series):
            col = col()
            self._columns[currency] = col
        return col

    def bounds(self, currency: str) -> tuple[date, date]:
        """First and last fixing date of ``currency`` (the table's range for the base)."""
        if currency == self.base:
            return self.info.first_date, self.info.last_date
        s = self.series(currency)
        return s.first, s.last

    @property
    def calendar(self) -> Sequence[int]:
        """Ordinals of every fixing day in the table (any currency), ascending."""
        return self._calendar

    def last_fixing_day(self, on: date) -> date | None:
        """The latest fixing day (any currency) on or before ``on``."""
        i = bisect_right(self._calendar, on.toordinal())
        return date.fromordinal(self._calendar[i - 1]) if i else None

    @cached_property
    def coverage_start(self) -> date:
        """The first day the data speaks for: the first fixing day, or earlier days that cannot have a fixing.

        The ECB never fixes on a weekend or on 1 January (a TARGET holiday), so data starting on
        Monday 4 January 1999 covers 1 to 3 January too; any other earlier day is unknown.
        A period table covers from the first day of its first period.
        """
        start = self.info.first_date
        if self.is_period_table:
            return start
        while True:
            before = start - timedelta(days=1)
            if before.weekday() >= 5 or (before.month, before.day) == (1, 1):
                start = before
            else:
                return start

    @cached_property
    def coverage_end(self) -> date:
        """The last day the data speaks for: the last fixing day plus any weekend after it.

        The ECB never fixes on Saturdays or Sundays, so a snapshot ending on a
        Friday covers the weekend too; the next Monday is unknown. A period table covers to the
        last day of its last period.
        """
        end = self.info.last_date
        if self.is_period_table:
            return end
        while (end + timedelta(days=1)).weekday() >= 5:
            end += timedelta(days=1)
        return end

    def __repr__(self) -> str:
        kind = "" if not self.is_period_table else f" ({self.describe_kind()})"
        return (
            f"<RateTable {self.info.key!r}{kind}: {len(self._currencies)} currencies per {self.base}, "
            f"{self.info.first_date} to {self.info.last_date}>"
        )
