"""aidtrack: normalise aid pledges across currencies, exactly and with provenance.

>>> import aidtrack
>>> c = aidtrack.convert(500_000_000, "USD", to="EUR", on="2025-01-09", policy="monthly_mean")
>>> c.result, c.policy_name, c.source.last_date
(Money('482917877.62', 'EUR'), 'monthly_mean', datetime.date(2026, 10, 30))

The top level holds what a notebook needs every day (records, ``convert``,
``totals``, reading and writing, sources, the main errors); everything else
lives in the subpackages: :mod:`aidtrack.rates` (tables, sources, the cache),
:mod:`aidtrack.frames` (DataFrames), :mod:`aidtrack.text` (amounts and pledges
in text), :mod:`aidtrack.files` (pledge files) and :mod:`aidtrack.errors`.
Modules with heavy imports (pydantic models, pandas) load on first use, so
``import aidtrack`` and a first conversion stay fast. When pandas is already
imported, ``import aidtrack`` also registers the ``df.aidtrack`` accessor.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from aidtrack._lazy import lazy_module
from aidtrack._version import __version__

if TYPE_CHECKING:
    from aidtrack.amounts import Rounding
    from aidtrack.conversion import Conversion, convert
    from aidtrack.errors import (
        AidtrackError,
        InvalidArgumentError,
        InvalidRecordError,
        RateNotAvailableError,
        UnknownCurrencyError,
    )
    from aidtrack.files.formats import read_pledges, write_pledges
    from aidtrack.formatting import format_money
    from aidtrack.frames.aggregate import totals
    from aidtrack.frames.collection import Pledges
    from aidtrack.frames.convert import UnconvertibleRowsError, convert_frame
    from aidtrack.money import Money
    from aidtrack.pledge import Category, Donor, Measure, Pledge, Qualifier, convert_pledges
    from aidtrack.policy import FixedDate, RatePolicy
    from aidtrack.rates.bundled import bundled_table
    from aidtrack.rates.sources import set_default_source, using_source
    from aidtrack.rates.table import RateTable
    from aidtrack.text.extract import extract_pledges
    from aidtrack.text.parsing import parse_money

_EXPORTS = {
    # records
    "Money": "aidtrack.money",
    "Rounding": "aidtrack.amounts",
    "Pledge": "aidtrack.pledge",
    "Donor": "aidtrack.pledge",
    "Category": "aidtrack.pledge",
    "Measure": "aidtrack.pledge",
    "Qualifier": "aidtrack.pledge",
    # conversion and totals
    "convert": "aidtrack.conversion",
    "Conversion": "aidtrack.conversion",
    "RatePolicy": "aidtrack.policy",
    "FixedDate": "aidtrack.policy",
    "convert_pledges": "aidtrack.pledge",
    "totals": "aidtrack.frames.aggregate",
    "convert_frame": "aidtrack.frames.convert",
    "Pledges": "aidtrack.frames.collection",
    # reading and writing
    "read_pledges": "aidtrack.files.formats",
    "write_pledges": "aidtrack.files.formats",
    "extract_pledges": "aidtrack.text.extract",
    "parse_money": "aidtrack.text.parsing",
    "format_money": "aidtrack.formatting",
    # sources
    "RateTable": "aidtrack.rates.table",
    "bundled_table": "aidtrack.rates.bundled",
    "set_default_source": "aidtrack.rates.sources",
    "using_source": "aidtrack.rates.sources",
    # errors
    "AidtrackError": "aidtrack.errors",
    "InvalidArgumentError": "aidtrack.errors",
    "InvalidRecordError": "aidtrack.errors",
    "RateNotAvailableError": "aidtrack.errors",
    "UnknownCurrencyError": "aidtrack.errors",
    "UnconvertibleRowsError": "aidtrack.frames.convert",
}

# Names of aidtrack 0.1 that now live in a subpackage: they still work, with a DeprecationWarning.
_MOVED = {
    **dict.fromkeys(
        [
            "AmbiguousCurrencyError",
            "CacheError",
            "CurrencyMismatchError",
            "DownloadTooLargeError",
            "HTTPStatusError",
            "IncompletePledgeError",
            "MoneyParseError",
            "NetworkError",
            "OfflineError",
            "PledgeFileError",
            "RateDataError",
            "RatesUnavailableError",
            "SourceError",
            "UnknownPolicyError",
            "AidtrackWarning",
            "StaleRatesWarning",
        ],
        "aidtrack.errors",
    ),
    **dict.fromkeys(["DateRange", "SourceRef"], "aidtrack.pledge"),
    **dict.fromkeys(["RateLeg", "as_policy", "quote", "compare_means"], "aidtrack.policy"),
    **dict.fromkeys(["currency_name", "is_currency", "minor_units", "normalize_currency"], "aidtrack.currency"),
    **dict.fromkeys(
        [
            "BundledECB",
            "RateSource",
            "SourceInfo",
            "default_source",
            "source_from_name",
            "BankOfCanadaValet",
            "EcbDataPortal",
            "EcbOfficialAverages",
            "EcbReferenceRates",
            "Frankfurter",
            "UpdateResult",
            "RateCache",
            "HttpClient",
            "HttpConfig",
            "OfficialAverages",
            "compare_means",
            "Staleness",
            "rate_table_from_frame",
            "read_rate_table_csv",
        ],
        "aidtrack.rates",
    ),
    **dict.fromkeys(
        [
            "conversion_problems",
            "cumulative_totals",
            "frame_to_pledges",
            "pivot_totals",
            "pledges_to_frame",
            "top_donors",
        ],
        "aidtrack.frames",
    ),
    **dict.fromkeys(["read_pledges_csv", "write_pledges_csv", "write_frame"], "aidtrack.files"),
    **dict.fromkeys(["MoneyMatch", "PledgeCandidate", "find_money"], "aidtrack.text"),
}

_SUBPACKAGES = ("errors", "currency", "policy", "pledge", "rates", "frames", "text", "files")

__all__, __getattr__, __dir__ = lazy_module(__name__, globals(), _EXPORTS, _MOVED, _SUBPACKAGES)
__all__ += ["__version__"]

if "pandas" in sys.modules:  # the usual notebook order: pandas first, then aidtrack
    import aidtrack.frames.accessor
