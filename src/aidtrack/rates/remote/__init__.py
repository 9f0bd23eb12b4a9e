"""The network layer: HTTP (:mod:`~aidtrack.rates.remote.http`), the rate cache
(:mod:`~aidtrack.rates.remote.cache`) and the live services (:mod:`~aidtrack.rates.remote.services`)."""

__all__: list[str] = []
