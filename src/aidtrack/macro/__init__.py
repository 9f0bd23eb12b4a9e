"""Real terms: constant prices, shares of donor GDP/GNI and per-capita figures, with provenance.

The subpackage sits above money, conversion and policy: it uses :func:`aidtrack.convert` for the annual
exchange rates and never imports the DataFrame layer. pandas is imported only by
:func:`~aidtrack.macro.frame.deflate_frame` (and :meth:`MacroSeries.to_frame`), on first use.

>>> from aidtrack import Money
>>> from aidtrack.macro import deflate, share_of
>>> deflate(Money("100000000", "USD"), year=2023, base_year=2024, method="dac", donor="DEU").deflator
Decimal('96.964889')
>>> share_of(Money("4328970000", "EUR"), "DEU", 2024).percent
Decimal('0.1')

Modules: :mod:`aidtrack.macro.series` (typed series, bundled data, your own CSV/DataFrame),
:mod:`aidtrack.macro.groups` (donor identity and groups over time), :mod:`aidtrack.macro.deflate`
(:func:`deflate`), :mod:`aidtrack.macro.shares` (:func:`share_of`, :func:`per_capita`) and
:mod:`aidtrack.macro.frame` (:func:`deflate_frame`).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from aidtrack.macro.deflate import DEFLATE_CONTEXT, Deflated, FxStep, annual_rate, dac_deflator_from_prices, deflate
from aidtrack.macro.groups import GROUPS, DonorIdentity, Membership, members, national_currency, resolve_donor
from aidtrack.macro.series import (
    MacroSeries,
    SeriesProvenance,
    SeriesValue,
    bundled_series,
    read_series_csv,
    series_from_frame,
)
from aidtrack.macro.shares import Component, PerCapita, Share, per_capita, share_of

if TYPE_CHECKING:
    from aidtrack.macro.frame import deflate_frame

__all__ = [
    "DEFLATE_CONTEXT",
    "GROUPS",
    "Component",
    "Deflated",
    "DonorIdentity",
    "FxStep",
    "MacroSeries",
    "Membership",
    "PerCapita",
    "SeriesProvenance",
    "SeriesValue",
    "Share",
    "annual_rate",
    "bundled_series",
    "dac_deflator_from_prices",
    "deflate",
    "deflate_frame",
    "members",
    "national_currency",
    "per_capita",
    "read_series_csv",
    "resolve_donor",
    "series_from_frame",
    "share_of",
]


def __getattr__(name: str) -> Any:
    if name == "deflate_frame":
        value = importlib.import_module(".frame", __name__).deflate_frame
        globals()[name] = value
        return value
    raise AttributeError(f"module 'aidtrack.macro' has no attribute {name!r}")
