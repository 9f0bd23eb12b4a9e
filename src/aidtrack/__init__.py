"""aidtrack: normalise aid pledges across currencies, exactly and with provenance.

>>> import aidtrack
>>> c = aidtrack.convert(500_000_000, "USD", to="EUR", on="2025-01-09", policy="monthly_mean")
>>> c.result, c.policy_name, c.source.last_date
(Money('482917877.62', 'EUR'), 'monthly_mean', datetime.date(2026, 10, 30))

The modules with heavy imports (pydantic models, pandas) are loaded on first
use, so ``import aidtrack`` and a first conversion stay fast.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._version import __version__
from .conversion import Conversion, convert
from .currency import currency_name, is_currency, minor_units, normalize_currency
from .errors import (
    AidtrackError,
    AmbiguousCurrencyError,
    CacheError,
    CurrencyMismatchError,
    DownloadTooLargeError,
    HTTPStatusError,
    IncompletePledgeError,
    InvalidArgumentError,
    InvalidRecordError,
    MoneyParseError,
    NetworkError,
    OfflineError,
    PledgeFileError,
    RateDataError,
    RateNotAvailableError,
    RatesUnavailableError,
    SourceError,
    UnknownCurrencyError,
    UnknownPolicyError,
)
from .money import Money, Rounding
from .policy import FixedDate, RateLeg, RatePolicy, as_policy, quote
from .ratetable import RateTable, SourceInfo
from .sources import (
    BundledECB,
    RateSource,
    bundled_table,
    default_source,
    set_default_source,
    using_source,
)

# Eager (the module imports nothing heavy at module level): the function ``totals`` shares its
# name with the submodule ``aidtrack.totals``, and a lazy attribute would be replaced by the
# module as soon as anything imported ``aidtrack.totals`` (the CLI does).
from .totals import convert_pledges, totals

if TYPE_CHECKING:
    from .aggregate import cumulative_totals, pivot_totals, top_donors
    from .cache import RateCache
    from .collection import Pledges, frame_to_pledges, pledges_to_frame
    from .extract import PledgeCandidate, extract_pledges
    from .formats import read_pledges, write_frame, write_pledges
    from .formatting import format_money
    from .frame import UnconvertibleRowsError, conversion_problems, convert_frame
    from .http import HttpClient, HttpConfig
    from .parsing import MoneyMatch, find_money, parse_money
    from .pledge import Category, DateRange, Donor, Measure, Pledge, Qualifier, SourceRef
    from .pledgefile import read_pledges_csv, write_pledges_csv
    from .remote import (
        BankOfCanadaValet,
        EcbDataPortal,
        EcbOfficialAverages,
        EcbReferenceRates,
        Frankfurter,
        UpdateResult,
        source_from_name,
    )
    from .sdmx import OfficialAverages, compare_means
    from .staleness import AidtrackWarning, Staleness, StaleRatesWarning
    from .usertable import rate_table_from_frame, read_rate_table_csv

__all__ = [
    # errors
    "AidtrackError",
    # records
    "Category",
    # conversion
    "Conversion",
    "CurrencyMismatchError",
    "DateRange",
    "Donor",
    # rates
    "BundledECB",
    "FixedDate",
    "InvalidArgumentError",
    "InvalidRecordError",
    "Measure",
    "Money",
    "NetworkError",
    "Pledge",
    "PledgeFileError",
    "Qualifier",
    "RateDataError",
    "RateLeg",
    "RateNotAvailableError",
    "RatePolicy",
    "RateSource",
    "RateTable",
    "Rounding",
    "SourceError",
    "SourceInfo",
    "SourceRef",
    "UnknownCurrencyError",
    "UnknownPolicyError",
    "__version__",
    "as_policy",
    "bundled_table",
    "convert",
    "convert_pledges",
    # currencies
    "currency_name",
    "default_source",
    "is_currency",
    "minor_units",
    "normalize_currency",
    "quote",
    # files
    "read_pledges_csv",
    "set_default_source",
    # totals
    "totals",
    "using_source",
    "write_pledges_csv",
    # data frames (pandas; loaded on first use)
    "Pledges",
    "UnconvertibleRowsError",
    "conversion_problems",
    "convert_frame",
    "cumulative_totals",
    "frame_to_pledges",
    "pivot_totals",
    "pledges_to_frame",
    "read_pledges",
    "top_donors",
    "write_frame",
    "write_pledges",
    # money in words (babel; loaded on first use)
    "AmbiguousCurrencyError",
    "IncompletePledgeError",
    "MoneyMatch",
    "MoneyParseError",
    "PledgeCandidate",
    "extract_pledges",
    "find_money",
    "format_money",
    "parse_money",
    # live rates: network sources, cache, user tables (loaded on first use)
    "AidtrackWarning",
    "BankOfCanadaValet",
    "CacheError",
    "DownloadTooLargeError",
    "EcbDataPortal",
    "EcbOfficialAverages",
    "EcbReferenceRates",
    "Frankfurter",
    "HTTPStatusError",
    "HttpClient",
    "HttpConfig",
    "OfficialAverages",
    "OfflineError",
    "RateCache",
    "RatesUnavailableError",
    "StaleRatesWarning",
    "Staleness",
    "UpdateResult",
    "compare_means",
    "rate_table_from_frame",
    "read_rate_table_csv",
    "source_from_name",
]

_LAZY = {
    "Category": "pledge",
    "DateRange": "pledge",
    "Donor": "pledge",
    "Measure": "pledge",
    "Pledge": "pledge",
    "Qualifier": "pledge",
    "SourceRef": "pledge",
    "read_pledges_csv": "pledgefile",
    "write_pledges_csv": "pledgefile",
    "Pledges": "collection",
    "frame_to_pledges": "collection",
    "pledges_to_frame": "collection",
    "UnconvertibleRowsError": "frame",
    "conversion_problems": "frame",
    "convert_frame": "frame",
    "cumulative_totals": "aggregate",
    "pivot_totals": "aggregate",
    "top_donors": "aggregate",
    "read_pledges": "formats",
    "write_frame": "formats",
    "write_pledges": "formats",
    "format_money": "formatting",
    "MoneyMatch": "parsing",
    "find_money": "parsing",
    "parse_money": "parsing",
    "PledgeCandidate": "extract",
    "extract_pledges": "extract",
    "BankOfCanadaValet": "remote",
    "EcbDataPortal": "remote",
    "EcbOfficialAverages": "remote",
    "EcbReferenceRates": "remote",
    "Frankfurter": "remote",
    "UpdateResult": "remote",
    "source_from_name": "remote",
    "RateCache": "cache",
    "HttpClient": "http",
    "HttpConfig": "http",
    "OfficialAverages": "sdmx",
    "compare_means": "sdmx",
    "AidtrackWarning": "staleness",
    "Staleness": "staleness",
    "StaleRatesWarning": "staleness",
    "rate_table_from_frame": "usertable",
    "read_rate_table_csv": "usertable",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'aidtrack' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
