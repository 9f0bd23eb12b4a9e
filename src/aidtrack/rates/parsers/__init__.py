"""Wire formats -> :class:`~aidtrack.rates.table.RateTable` (pure: bytes in, tables out; no network).

One module per format: :mod:`~aidtrack.rates.parsers.ecb` (zip/CSV/XML), :mod:`~aidtrack.rates.parsers.sdmx`
(ECB Data Portal), :mod:`~aidtrack.rates.parsers.valet` (Bank of Canada), :mod:`~aidtrack.rates.parsers.frankfurter`
and :mod:`~aidtrack.rates.parsers.user` (your own CSV or DataFrame).
"""

__all__: list[str] = []
