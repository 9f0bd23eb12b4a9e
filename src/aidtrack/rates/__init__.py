"""Rates: tables of fixings, where they come from (bundled, live services, your own), and how fresh they are.

* :mod:`aidtrack.rates.table`: :class:`RateTable`, :class:`SourceInfo` (pure data);
* :mod:`aidtrack.rates.parsers`: wire formats -> tables (ECB, ECB Data Portal, Bank of Canada, Frankfurter, user CSV);
* :mod:`aidtrack.rates.bundled`: the ECB history shipped with aidtrack;
* :mod:`aidtrack.rates.remote`: HTTP, the cache and the live services;
* :mod:`aidtrack.rates.sources`: the source protocol, the default source and source names;
* :mod:`aidtrack.rates.staleness`: how old rates may be.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from aidtrack._lazy import lazy_module

if TYPE_CHECKING:
    from aidtrack.rates.bundled import BundledECB, bundled_table
    from aidtrack.rates.parsers.sdmx import OfficialAverages
    from aidtrack.rates.parsers.user import rate_table_from_frame, read_rate_table_csv
    from aidtrack.rates.remote.cache import RateCache
    from aidtrack.rates.remote.http import HttpClient, HttpConfig
    from aidtrack.rates.remote.services import (
        BankOfCanadaValet,
        EcbDataPortal,
        EcbOfficialAverages,
        EcbReferenceRates,
        Frankfurter,
        UpdateResult,
        source_from_name,
    )
    from aidtrack.rates.sources import RateSource, SourceLike, default_source, set_default_source, using_source
    from aidtrack.rates.staleness import Staleness
    from aidtrack.rates.table import RateTable, SourceInfo

_EXPORTS = {
    "RateTable": "aidtrack.rates.table",
    "SourceInfo": "aidtrack.rates.table",
    "BundledECB": "aidtrack.rates.bundled",
    "bundled_table": "aidtrack.rates.bundled",
    "RateSource": "aidtrack.rates.sources",
    "SourceLike": "aidtrack.rates.sources",
    "default_source": "aidtrack.rates.sources",
    "set_default_source": "aidtrack.rates.sources",
    "using_source": "aidtrack.rates.sources",
    "Staleness": "aidtrack.rates.staleness",
    "rate_table_from_frame": "aidtrack.rates.parsers.user",
    "read_rate_table_csv": "aidtrack.rates.parsers.user",
    "OfficialAverages": "aidtrack.rates.parsers.sdmx",
    "RateCache": "aidtrack.rates.remote.cache",
    "HttpClient": "aidtrack.rates.remote.http",
    "HttpConfig": "aidtrack.rates.remote.http",
    "BankOfCanadaValet": "aidtrack.rates.remote.services",
    "EcbDataPortal": "aidtrack.rates.remote.services",
    "EcbOfficialAverages": "aidtrack.rates.remote.services",
    "EcbReferenceRates": "aidtrack.rates.remote.services",
    "Frankfurter": "aidtrack.rates.remote.services",
    "UpdateResult": "aidtrack.rates.remote.services",
    "source_from_name": "aidtrack.rates.remote.services",
}

__all__, __getattr__, __dir__ = lazy_module(__name__, globals(), _EXPORTS)
