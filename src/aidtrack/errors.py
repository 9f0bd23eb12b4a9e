"""The exception tree of aidtrack.

Every error aidtrack raises on purpose derives from :class:`AidtrackError`, and
each subclass also inherits the builtin exception it resembles, so code that
already catches ``ValueError`` or ``LookupError`` keeps working.  Errors carry
structured fields (``.currency``, ``.date``, ``.available`` ...) so callers can
react without parsing messages, and chain their cause with ``raise ... from``.

Tree::

    AidtrackError
    ├── InvalidRecordError (ValueError)        a Money / Pledge field is invalid
    ├── InvalidArgumentError (ValueError)      a bad argument: a date, an option value
    ├── UnknownCurrencyError (ValueError, LookupError)
    ├── CurrencyMismatchError (TypeError)      arithmetic across currencies
    ├── MoneyDivisionError (ZeroDivisionError) an amount of money divided by zero
    ├── UnknownPolicyError (ValueError)        a rate policy name is not known
    ├── RateNotAvailableError (LookupError)    no rate for that currency and date
    ├── RateDataError (ValueError)             malformed rate data (file or download)
    ├── PledgeFileError (ValueError)           bad rows in a pledge file
    ├── DataFormatError (ValueError)           a data file or response cannot be read at all (IATI XML, FTS JSON)
    │   └── UnsafeXmlError                     XML with a DTD, entities or external references, refused
    ├── BadRecordsError (ValueError)           records of an IATI file / FTS response with problems
    ├── MoneyParseError (ValueError)           no amount (or several) in a text
    │   └── AmbiguousCurrencyError             "$", "kr", "dollars" fit several currencies
    ├── IncompletePledgeError (ValueError)     a pledge read from text lacks its donor or currency
    ├── InvalidFrameError (ValueError)         a frame lacks a needed column, or an output would overwrite one
    ├── InvalidGroupingError (ValueError)      ``by=`` names no grouping key
    ├── MissingExtraError (ImportError)        an optional dependency (an extra) is not installed
    ├── MacroDataError (ValueError)            malformed macro series data (bundled file, user CSV/frame)
    ├── SeriesNotAvailableError (LookupError)  no value of a macro series for that country and year
    │   └── EstimateNotAllowedError            the value is an IMF estimate/projection (allow_estimates=False)
    ├── UnknownDonorError (ValueError, LookupError)  a donor name/code that is not a country, institution or group
    ├── NoDenominatorError (LookupError)       a donor or group has no GDP/GNI/population to divide by
    ├── NotConvertibleError (LookupError)      an amount cannot be converted at the annual rate a method needs
    ├── DeflationRowsError (ValueError, LookupError)  rows of a frame that could not be deflated
    ├── CacheError (OSError)                   the rate cache cannot be used (lock timeout, not writable)
    └── SourceError                            a rate source could not answer
        ├── RatesUnavailableError (LookupError) no cache, network or fallback could answer
        └── NetworkError (OSError)             a download failed
            ├── HTTPStatusError                the server answered with an error status
            ├── DownloadTooLargeError          the body is larger than the size cap
            └── OfflineError                   offline mode forbids the network

Warnings::

    AidtrackWarning (UserWarning)
    └── StaleRatesWarning                      rates came from a stale cache or the bundled snapshot

``UnconvertibleRowsError`` (rows of a DataFrame without a result) carries a pandas report and
lives in :mod:`aidtrack.frames.convert`; it derives from :class:`AidtrackError` too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

__all__ = [
    "AidtrackError",
    "AidtrackWarning",
    "AmbiguousCurrencyError",
    "BadRecordsError",
    "CacheError",
    "CacheReadOnlyError",
    "CurrencyMismatchError",
    "DataFormatError",
    "DeflationRowsError",
    "DownloadTooLargeError",
    "EstimateNotAllowedError",
    "FieldProblem",
    "HTTPStatusError",
    "HeaderProblem",
    "IncompletePledgeError",
    "InvalidArgumentError",
    "InvalidFrameError",
    "InvalidGroupingError",
    "InvalidRecordError",
    "MacroDataError",
    "MissingExtraError",
    "MoneyDivisionError",
    "MoneyParseError",
    "NetworkError",
    "NoDenominatorError",
    "NotConvertibleError",
    "OfflineError",
    "PledgeFileError",
    "RateDataError",
    "RateNotAvailableError",
    "RatesUnavailableError",
    "RecordProblem",
    "RowProblem",
    "SeriesNotAvailableError",
    "SourceError",
    "SourceScopeWarning",
    "StaleRatesWarning",
    "UnknownCurrencyError",
    "UnknownDonorError",
    "UnknownPolicyError",
    "UnsafeXmlError",
]


class AidtrackError(Exception):
    """Root of every error raised by aidtrack."""


@dataclass(frozen=True)
class FieldProblem:
    """One invalid field of a record: where, what was given, and why it is wrong."""

    field: str
    value: object
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message} (got {self.value!r})"


class InvalidRecordError(AidtrackError, ValueError):
    """A record (Money, Pledge, ...) was built from invalid values.

    ``problems`` lists every invalid field with the value given.
    """

    def __init__(self, model: str, problems: Sequence[FieldProblem]) -> None:
        self.model = model
        self.problems = tuple(problems)
        lines = "; ".join(str(p) for p in self.problems)
        super().__init__(f"invalid {model}: {lines}")


class InvalidArgumentError(AidtrackError, ValueError):
    """A function argument has a value that is not allowed (``argument`` and ``value`` say which)."""

    def __init__(self, argument: str, value: object, message: str) -> None:
        self.argument = argument
        self.value = value
        super().__init__(message)


class UnknownCurrencyError(AidtrackError, ValueError, LookupError):
    """A currency code is not an ISO 4217 code, or a rate table does not carry it."""

    def __init__(self, currency: object, *, known: Sequence[str] = (), where: str = "", note: str = "") -> None:
        self.currency = currency
        self.known = tuple(known)
        self.where = where
        if where:
            msg = f"currency {currency!r} is not available in {where}"
            if self.known:
                msg += f"; available: {', '.join(self.known)}"
        else:
            msg = f"unknown currency code {currency!r}: expected an ISO 4217 code such as 'EUR', 'USD' or 'CAD'"
            if self.known:
                msg += f" (did you mean {' or '.join(repr(k) for k in self.known)}?)"
            if note:
                msg += f"; {note}"
        super().__init__(msg)


class CurrencyMismatchError(AidtrackError, TypeError):
    """Arithmetic or comparison between amounts in different currencies."""

    def __init__(self, left: str, right: str, operation: str) -> None:
        self.left = left
        self.right = right
        super().__init__(f"cannot {operation} {left} and {right}: convert one of them first (aidtrack.convert)")


class MoneyDivisionError(AidtrackError, ZeroDivisionError):
    """An amount of money divided by zero (a number, or an amount of zero): there is no result to give."""

    def __init__(self, dividend: object, divisor: object) -> None:
        self.dividend = dividend
        self.divisor = divisor
        super().__init__(
            f"cannot divide {dividend} by zero ({divisor!r}); divide by a number or an amount other than zero"
        )


class UnknownPolicyError(AidtrackError, ValueError):
    """A rate policy was given by a name that is not a policy."""

    def __init__(self, value: object, valid: Sequence[str], *, reason: str | None = None) -> None:
        self.value = value
        self.valid = tuple(valid)
        self.reason = reason
        why = f" ({reason})" if reason else ""
        super().__init__(
            f"unknown rate policy {value!r}{why}: expected one of {', '.join(self.valid)}, "
            "a date (YYYY-MM-DD) or 'fixed:YYYY-MM-DD'"
        )


class RateNotAvailableError(AidtrackError, LookupError):
    """No rate can be given for that currency and date without guessing.

    ``available`` is the ``(first, last)`` range of dates the source holds for
    the currency, or ``None`` when it holds none.
    """

    def __init__(
        self,
        currency: str,
        on: date,
        *,
        available: tuple[date, date] | None,
        source: str,
        reason: str,
        hint: str = "",
    ) -> None:
        self.currency = currency
        self.date = on
        self.available = available
        self.source = source
        self.reason = reason
        self.hint = hint
        span = f"{available[0].isoformat()} to {available[1].isoformat()}" if available else "no dates"
        super().__init__(
            f"no {currency} rate for {on.isoformat()} in {source}: {reason} (available for {currency}: {span})"
            + (f"; {hint}" if hint else "")
        )


class RateDataError(AidtrackError, ValueError):
    """Rate data (a bundled file, a download, a user table) is malformed."""

    def __init__(self, message: str, *, where: str = "", line: int | None = None) -> None:
        self.where = where
        self.line = line
        prefix = where
        if line is not None:
            prefix += f", line {line}"
        super().__init__(f"{prefix}: {message}" if prefix else message)


@dataclass(frozen=True)
class RowProblem:
    """One bad row of a file: its 1-based line number and the reason."""

    line: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


@dataclass(frozen=True)
class HeaderProblem(RowProblem):
    """What is wrong with a file's header row (unknown, missing or repeated columns): one problem, not one per row.

    ``location`` says where the header is (``line 1``, ``sheet 'Pledges', row 1``, ``columns``).
    """

    location: str = "line 1"

    def __str__(self) -> str:
        return f"{self.location} (header): {self.reason}"


class PledgeFileError(AidtrackError, ValueError):
    """A pledge file has bad rows or a bad header; nothing was loaded from it.

    ``problems`` holds every bad row (line number and reason), not only the first; a bad
    header is one :class:`HeaderProblem`.
    """

    def __init__(self, path: str, problems: Sequence[RowProblem]) -> None:
        self.path = path
        self.problems = tuple(problems)
        shown = "\n  ".join(str(p) for p in self.problems[:20])
        more = len(self.problems) - 20
        tail = f"\n  ... and {more} more" if more > 0 else ""
        count = len(self.problems)
        if any(isinstance(p, HeaderProblem) for p in self.problems):
            what = "bad header"
        else:
            what = f"{count} bad row{'s' if count != 1 else ''}"
        super().__init__(f"{path}: {what}, nothing loaded:\n  {shown}{tail}")


class DataFormatError(AidtrackError, ValueError):
    """A data file or response (IATI XML, an FTS JSON body) cannot be read at all; nothing was loaded.

    ``where`` names the file or URL; ``line`` / ``column`` the position of an XML syntax error, when known.
    """

    def __init__(self, where: str, message: str, *, line: int | None = None, column: int | None = None) -> None:
        self.where = where
        self.line = line
        self.column = column
        at = f", line {line}" if line is not None else ""
        at += f", column {column}" if column is not None else ""
        super().__init__(f"{where}{at}: {message}")


class UnsafeXmlError(DataFormatError):
    """An XML file declares a DTD, entities or external references: refused, never expanded or fetched.

    IATI files need none of these; they are how "billion laughs" (entity expansion) and
    external-entity (XXE) attacks work, so aidtrack's XML readers refuse the whole file.
    """


@dataclass(frozen=True)
class RecordProblem:
    """One record of a data file with a problem: which record, where in the file, and why.

    ``record`` is the record's own identifier (an IATI activity identifier, an FTS flow id);
    ``location`` is where the value sits (``iati-activities/iati-activity[3]/transaction[2]/value``,
    ``data.flows[4].amountUSD``).
    """

    record: str | None
    location: str
    reason: str

    def __str__(self) -> str:
        who = f" ({self.record})" if self.record else ""
        return f"{self.location}{who}: {self.reason}"


class BadRecordsError(AidtrackError, ValueError):
    """Some records of an IATI file or an FTS response have problems; nothing was loaded.

    ``problems`` lists every one (:class:`RecordProblem`: record identifier, location, reason),
    not only the first. Pass ``errors="coerce"`` to load the records anyway, each bad one with a
    ``problem`` column saying why (its missing values stay missing: never guessed).
    """

    def __init__(self, where: str, problems: Sequence[RecordProblem], *, records: int) -> None:
        self.where = where
        self.problems = tuple(problems)
        self.records = records
        shown = "\n  ".join(str(p) for p in self.problems[:20])
        more = len(self.problems) - 20
        tail = f"\n  ... and {more} more" if more > 0 else ""
        n = len(self.problems)
        super().__init__(
            f"{where}: {n} problem{'s' if n != 1 else ''} in {records} record{'s' if records != 1 else ''}, "
            f"nothing loaded (errors='coerce' keeps the records with a 'problem' column):\n  {shown}{tail}"
        )


class SourceError(AidtrackError):
    """A rate source could not provide rates."""


class NetworkError(SourceError, OSError):
    """Rates could not be downloaded (connection, timeout, HTTP status, size cap)."""


class HTTPStatusError(NetworkError):
    """The server answered with an error status (after any retries); ``status`` and ``url`` say which."""

    def __init__(self, url: str, status: int, *, attempts: int = 1, detail: str = "") -> None:
        self.url = url
        self.status = status
        self.attempts = attempts
        tries = f" after {attempts} attempts" if attempts > 1 else ""
        super().__init__(f"{url}: HTTP {status}{tries}" + (f" ({detail})" if detail else ""))


class DownloadTooLargeError(NetworkError):
    """A response body (or its decompressed content) is larger than the size cap ``limit``."""

    def __init__(self, url: str, limit: int, *, size: int | None = None) -> None:
        self.url = url
        self.limit = limit
        self.size = size
        got = f"{size} bytes" if size is not None else "more"
        super().__init__(f"{url}: the response is {got}, over the {limit}-byte download cap")


class OfflineError(NetworkError):
    """Offline mode (``offline=True`` or ``AIDTRACK_OFFLINE=1``) forbids fetching ``url``."""

    def __init__(self, url: str) -> None:
        self.url = url
        super().__init__(f"offline mode is on (AIDTRACK_OFFLINE=1 or offline=True): not fetching {url}")


class RatesUnavailableError(SourceError, LookupError):
    """No step of a source's chain (cache, network, fallback) could provide rates.

    ``attempts`` says, step by step, why each one could not answer.
    """

    def __init__(self, source: str, attempts: Sequence[str]) -> None:
        self.source = source
        self.attempts = tuple(attempts)
        steps = "".join(f"\n  - {a}" for a in self.attempts)
        super().__init__(f"no rates available from {source}:{steps}")


class CacheError(AidtrackError, OSError):
    """The rate cache at ``path`` cannot be used (not writable, lock not acquired in time)."""

    def __init__(self, path: str, message: str) -> None:
        self.path = path
        super().__init__(f"rate cache {path}: {message}")


class CacheReadOnlyError(CacheError):
    """The rate cache folder cannot be written (read-only, not ours, or its lock cannot be taken).

    Network sources then use the cache read-only, with a warning, instead of failing.
    """


class MoneyParseError(AidtrackError, ValueError):
    """A text holds no amount of money, or several where one was expected.

    ``text`` is the text that was read; ``found`` the amounts found in it (as written).
    """

    def __init__(self, text: str, message: str, *, found: Sequence[str] = ()) -> None:
        self.text = text
        self.found = tuple(found)
        super().__init__(message)


class AmbiguousCurrencyError(MoneyParseError):
    """An amount's currency symbol or name fits several currencies (``$``, ``kr``, "dollars").

    ``symbol`` is the symbol or name as written and ``candidates`` the ISO 4217 codes it may mean;
    pass ``currency=`` (or a donor country) to settle it.
    """

    def __init__(self, text: str, symbol: str, candidates: Sequence[str]) -> None:
        self.symbol = symbol
        self.candidates = tuple(candidates)
        shown = ", ".join(self.candidates[:8]) + (", ..." if len(self.candidates) > 8 else "")
        super().__init__(
            text,
            f"the currency of {text!r} is ambiguous: {symbol!r} may be {shown}; "
            "pass currency= (e.g. currency='USD') or write an ISO code such as 'USD 5 million'",
            found=(text,),
        )


class IncompletePledgeError(AidtrackError, ValueError):
    """A pledge candidate read from text lacks what a :class:`~aidtrack.pledge.Pledge` needs.

    ``missing`` names what is missing ("donor", "currency"); ``sentence`` is the evidence.
    """

    def __init__(self, sentence: str, missing: Sequence[str], detail: str = "") -> None:
        self.sentence = sentence
        self.missing = tuple(missing)
        extra = f" ({detail})" if detail else ""
        super().__init__(
            f"cannot make a Pledge from {sentence!r}: no {' and no '.join(self.missing)}{extra}; "
            "pass it explicitly, e.g. candidate.to_pledge(donor='Canada', currency='CAD')"
        )


class InvalidFrameError(AidtrackError, ValueError):
    """A frame lacks a needed column, or an output column would overwrite an input column."""

    def __init__(self, message: str, *, columns: Sequence[str] = ()) -> None:
        self.columns = tuple(columns)
        super().__init__(message)


class InvalidGroupingError(AidtrackError, ValueError):
    """``by=`` named something that is not a grouping key."""

    def __init__(self, key: object, valid: Sequence[str]) -> None:
        self.key = key
        self.valid = tuple(valid)
        super().__init__(f"cannot group by {key!r}: expected one or more of {', '.join(valid)}")


class MissingExtraError(AidtrackError, ImportError):
    """An optional dependency (pyarrow, openpyxl, matplotlib) is not installed."""

    def __init__(self, package: str, extra: str, what: str) -> None:
        self.package = package
        self.extra = extra
        super().__init__(
            f'{what} needs {package}: pip install "aidtrack[{extra}]" (from a checkout of aidtrack: '
            f'pip install ".[{extra}]")'
        )


class AidtrackWarning(UserWarning):
    """Root of the warnings aidtrack gives (filter them with ``warnings.filterwarnings``)."""


class StaleRatesWarning(AidtrackWarning):
    """Rates came from a step below the preferred one: a stale cache or the bundled snapshot.

    ``source`` is the key of the source asked, ``used`` says what answered
    (``"stale cache"`` or ``"bundled snapshot"``), ``last_date`` is the last
    fixing day of the data used and ``retrieved`` when it was downloaded
    (``None`` for the bundled snapshot).
    """

    def __init__(
        self, message: str, *, source: str, used: str, last_date: date, retrieved: datetime | None, reason: str
    ) -> None:
        self.source = source
        self.used = used
        self.last_date = last_date
        self.retrieved = retrieved
        self.reason = reason
        super().__init__(message)


class SourceScopeWarning(AidtrackWarning):
    """A thread fell back to the process-wide default source while a ``using_source`` block was open in
    another thread: ``using_source`` is scoped to its own thread (see :mod:`aidtrack.rates.sources`)."""


class MacroDataError(AidtrackError, ValueError):
    """Macro series data (a bundled file, a user's CSV or DataFrame) is malformed; ``where`` and ``line`` say where."""

    def __init__(self, message: str, *, where: str = "", line: int | None = None) -> None:
        self.where = where
        self.line = line
        prefix = where + (f", line {line}" if line is not None else "")
        super().__init__(f"{prefix}: {message}" if prefix else message)


class SeriesNotAvailableError(AidtrackError, LookupError):
    """A macro series has no value for ``country``, ``indicator`` and ``year``.

    ``available`` is the ``(first, last)`` year the series holds for that country and
    indicator, or ``None`` when it holds none; ``source`` names the series.
    """

    def __init__(
        self,
        country: str,
        indicator: str,
        year: int,
        *,
        source: str,
        available: tuple[int, int] | None,
        hint: str = "",
        message: str = "",
    ) -> None:
        self.country = country
        self.indicator = indicator
        self.year = year
        self.source = source
        self.available = available
        span = f"{available[0]}-{available[1]}" if available else "no years"
        extra = f"; {hint}" if hint else ""
        super().__init__(
            message
            or f"no {indicator} value for {country} in {year} in {source} "
            f"(available for {country} {indicator}: {span}){extra}"
        )


class EstimateNotAllowedError(SeriesNotAvailableError):
    """The value for that year is an estimate or projection, not actual data.

    Pass ``allow_estimates=True`` to use it; the result then records that an estimate was used.
    """

    def __init__(self, country: str, indicator: str, year: int, *, source: str, last_actual: int | None) -> None:
        self.last_actual = last_actual
        actual = f" (last actual year: {last_actual})" if last_actual is not None else ""
        super().__init__(
            country,
            indicator,
            year,
            source=source,
            available=None,
            message=f"{country} {indicator} {year} in {source} is an estimate, not actual data{actual}; "
            "pass allow_estimates=True to use it (the result will say that an estimate was used), "
            "or choose an earlier year",
        )


class UnknownDonorError(AidtrackError, ValueError, LookupError):
    """A donor could not be resolved to a country, an institution or a group; ``donor`` is what was given."""

    def __init__(self, donor: object, *, hint: str = "") -> None:
        self.donor = donor
        extra = f" {hint}" if hint else ""
        super().__init__(
            f"unknown donor {donor!r}: expected an ISO 3166 code ('DEU' or 'DE'), a country name in English or "
            f"German ('Germany', 'Deutschland'), 'EUI' (EU institutions) or a group ('EU27', 'EA', 'G7', 'DAC')"
            f"{extra}"
        )


class NoDenominatorError(AidtrackError, LookupError):
    """``donor`` has no ``denominator`` (GDP, GNI, population) in the series: an institution, or a group
    with a member that has none."""

    def __init__(self, donor: str, denominator: str, reason: str) -> None:
        self.donor = donor
        self.denominator = denominator
        self.reason = reason
        super().__init__(f"no {denominator} for {donor}: {reason}")


class NotConvertibleError(AidtrackError, LookupError):
    """An amount in ``currency`` cannot be converted to ``to`` at the annual rate of ``year``."""

    def __init__(self, currency: str, to: str, year: int, reason: str) -> None:
        self.currency = currency
        self.to = to
        self.year = year
        self.reason = reason
        super().__init__(f"cannot convert {currency} to {to} at the {year} annual rate: {reason}")


class DeflationRowsError(AidtrackError, ValueError, LookupError):
    """Rows of a frame could not be deflated; ``problems`` lists each (index and reason), nothing was returned."""

    def __init__(self, problems: Sequence[tuple[object, str]], *, rows: int) -> None:
        self.problems = tuple(problems)
        self.rows = rows
        shown = "\n  ".join(f"row {index!r}: {reason}" for index, reason in self.problems[:10])
        more = len(self.problems) - 10
        tail = f"\n  ... and {more} more" if more > 0 else ""
        super().__init__(
            f"{len(self.problems)} of {rows} rows could not be deflated (pass errors='coerce' to keep them "
            f"with a problem column):\n  {shown}{tail}"
        )
