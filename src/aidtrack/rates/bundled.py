"""The ECB reference-rate history bundled with aidtrack (offline, verified by SHA-256).

The snapshot is read lazily on first use and its bytes are checked against the
SHA-256 recorded here, so a damaged installation is reported instead of
producing wrong numbers.
"""

from __future__ import annotations

import hashlib
import os
from functools import cache

from aidtrack.errors import RateDataError
from aidtrack.rates.table import RateTable

__all__ = ["BUNDLED_FILE", "BUNDLED_SHA256", "BundledECB", "bundled_source", "bundled_table"]

BUNDLED_FILE = "eurofxref-hist.zip"
BUNDLED_SHA256 = "73db21584dd46cebf5cd6df75ebb6de7afcdeebff52f54d5046ca8e459c0fbb3"
"""SHA-256 of the bundled ``eurofxref-hist.zip`` (``scripts/refresh_ecb.py`` updates it)."""


class BundledECB:
    """The ECB reference-rate history shipped inside aidtrack (1999-01-04 to 2026-10-30).

    Works offline. The table is parsed on the first ``load()`` and kept.
    """

    key = "ecb-bundled"
    name = "ECB euro reference rates (bundled snapshot)"

    def __init__(self) -> None:
        self._table: RateTable | None = None

    def load(self) -> RateTable:
        if self._table is None:
            self._table = _read_bundled()
        return self._table

    def __repr__(self) -> str:
        return "BundledECB()"


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
