"""The rate tables bundled with aidtrack (offline, verified by SHA-256).

* :class:`BundledECB` (``ecb-bundled``): the ECB's daily reference rates, 1999-01-04 to 2026-10-30;
* :class:`BundledIMF` (``imf-bundled``): the IMF's annual average rates against the US dollar,
  174 currencies, 1940-2024 (a period table; Source: International Monetary Fund).

Each snapshot is read lazily on first use and its bytes are checked against the
SHA-256 recorded here, so a damaged installation is reported instead of
producing wrong numbers.
"""

from __future__ import annotations

import hashlib
import os
from datetime import date  # noqa: F401  (doctests)
from functools import cache
from typing import Any

from aidtrack.errors import RateDataError
from aidtrack.rates.table import RateTable

__all__ = [
    "BUNDLED_FILE",
    "BUNDLED_IMF_FILE",
    "BUNDLED_IMF_SHA256",
    "BUNDLED_SHA256",
    "BundledECB",
    "BundledIMF",
    "bundled_imf_source",
    "bundled_imf_table",
    "bundled_source",
    "bundled_table",
]

BUNDLED_FILE = "eurofxref-hist.zip"
BUNDLED_SHA256 = "73db21584dd46cebf5cd6df75ebb6de7afcdeebff52f54d5046ca8e459c0fbb3"
"""SHA-256 of the bundled ``eurofxref-hist.zip`` (``scripts/refresh_ecb.py`` updates it)."""
BUNDLED_IMF_FILE = "imf_exchangerates_A_ENDA_USD.csv"
BUNDLED_IMF_SHA256 = "30cab73d7d89e1b3ec8d7d65f22ca6e511954ab9d63a4f658822ef27553d9506"
"""SHA-256 of the bundled IMF table (see ``data/PROVENANCE-imf.md``)."""
BUNDLED_IMF_VINTAGE = "codeforIATI/imf-exchangerates@89e77b6b (deployed 2025-11-01)"
BUNDLED_IMF_URL = "https://data.imf.org/en/datasets/IMF.STA:ER"


class BundledECB:
    """The ECB reference-rate history shipped inside aidtrack (1999-01-04 to 2026-10-30).

    Works offline. The table is parsed on the first ``load()`` and kept.
    Pickled, it travels as its name (a few bytes): the receiving process uses
    its own bundled snapshot, checked against the same SHA-256.
    """

    key = "ecb-bundled"
    name = "ECB euro reference rates (bundled snapshot)"

    def __init__(self) -> None:
        self._table: RateTable | None = None

    def load(self) -> RateTable:
        if self._table is None:
            self._table = _read_bundled()
        return self._table

    def __reduce__(self) -> tuple[Any, ...]:
        # travels as a name: the receiving process reads (and verifies) its own copy, once
        return (bundled_source, ())

    def __repr__(self) -> str:
        return "BundledECB()"


class BundledIMF:
    """The IMF's annual average exchange rates, national currency per US dollar (1940-2024), shipped with aidtrack.

    A period table (:attr:`~aidtrack.rates.table.RateTable.is_period_table`): it answers
    ``annual_mean`` with the IMF's published average for the year, and refuses every other
    policy. Works offline; parsed on the first ``load()``. Source: International Monetary Fund.

    >>> t = BundledIMF().load()
    >>> t.base, t.frequency, t.series("UAH").rate(t.series("UAH").index_of(date(2024, 1, 1)))
    ('USD', 'A', Decimal('40.152082715'))
    """

    key = "imf-bundled"
    name = "IMF exchange rates, annual averages (bundled snapshot)"

    def __init__(self) -> None:
        self._table: RateTable | None = None

    def load(self) -> RateTable:
        if self._table is None:
            self._table = _read_imf()
        return self._table

    def __repr__(self) -> str:
        return "BundledIMF()"


def _data_file(name: str, expected: str, fix: str) -> bytes:
    with open(os.path.join(os.path.dirname(os.path.dirname(__file__)), "data", name), "rb") as fh:
        data = fh.read()
    digest = hashlib.sha256(data).hexdigest()
    if digest != expected:
        raise RateDataError(
            f"bundled {name} is damaged or was replaced: SHA-256 {digest}, expected {expected}; {fix}",
            where="aidtrack package data",
        )
    return data


def _read_imf() -> RateTable:
    from aidtrack.rates.parsers.imf import parse_imf_table_csv

    data = _data_file(BUNDLED_IMF_FILE, BUNDLED_IMF_SHA256, "reinstall aidtrack")
    return parse_imf_table_csv(
        data, key=BundledIMF.key, name=BundledIMF.name, url=BUNDLED_IMF_URL, vintage=BUNDLED_IMF_VINTAGE
    )


@cache
def bundled_imf_source() -> BundledIMF:
    """The process-wide :class:`BundledIMF` source (its table is parsed once)."""
    return BundledIMF()


def bundled_imf_table() -> RateTable:
    """The bundled IMF table (parsed once per process)."""
    return bundled_imf_source().load()


def _read_bundled() -> RateTable:
    from aidtrack.rates.parsers.ecb import ECB_HIST_URL

    # A plain path beside this module: cheaper to import than importlib.resources,
    # and the package is always installed as files (the wheel is not zip-safe).
    with open(os.path.join(os.path.dirname(os.path.dirname(__file__)), "data", BUNDLED_FILE), "rb") as fh:
        data = fh.read()
    digest = hashlib.sha256(data).hexdigest()
    if digest != BUNDLED_SHA256:
        raise RateDataError(
            f"bundled {BUNDLED_FILE} is damaged or was replaced: SHA-256 {digest}, expected {BUNDLED_SHA256}; "
            "reinstall aidtrack or run scripts/refresh_ecb.py",
            where="aidtrack package data",
        )
    # The bytes are verified, so each currency's values are checked on first use only.
    from aidtrack.rates.parsers.ecb import parse_eurofxref_zip

    return parse_eurofxref_zip(
        data, key=BundledECB.key, name=BundledECB.name, url=ECB_HIST_URL, retrieved=None, sha256=digest, eager=False
    )


@cache
def bundled_source() -> BundledECB:
    """The process-wide :class:`BundledECB` source (its table is parsed once)."""
    return BundledECB()


def bundled_table() -> RateTable:
    """The bundled ECB table (parsed once per process)."""
    return bundled_source().load()
