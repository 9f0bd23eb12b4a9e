"""How old rate data is, when it counts as stale, and the warnings aidtrack gives about it (pure).

A downloaded rate table is *fresh* while the time since it was retrieved is
under the source's :class:`Staleness` ``max_age`` (ECB daily rates: 12 hours);
after that a network source tries to refresh it before answering. When it
cannot (offline, network down, a bad download), it answers from older data
and says so with a :class:`StaleRatesWarning` naming how old the rates are.

>>> from datetime import datetime, timedelta, timezone
>>> now = datetime(2026, 11, 25, 12, tzinfo=timezone.utc)
>>> Staleness(timedelta(hours=12)).is_stale(now - timedelta(hours=13), now=now)
True
>>> describe_age(timedelta(days=3, hours=2))
'3 days'
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from aidtrack.errors import InvalidArgumentError

__all__ = ["Staleness", "describe_age"]


@dataclass(frozen=True, slots=True)
class Staleness:
    """When cached data counts as stale: ``max_age`` after it was retrieved.

    ``max_age=None`` never counts cached data as stale (the network is used
    only when nothing is cached); ``timedelta(0)`` always revalidates (a
    conditional GET, cheap when nothing changed).

    >>> Staleness.parse("6h"), Staleness.parse("never").max_age
    (Staleness(max_age=datetime.timedelta(seconds=21600)), None)
    """

    max_age: timedelta | None = timedelta(hours=12)

    def __post_init__(self) -> None:
        if self.max_age is not None and self.max_age < timedelta(0):
            raise InvalidArgumentError("max_age", self.max_age, f"max_age must be 0 or more, got {self.max_age}")

    def is_stale(self, retrieved: datetime, *, now: datetime) -> bool:
        """Whether data retrieved at ``retrieved`` is stale at ``now``."""
        if self.max_age is None:
            return False
        return now - retrieved >= self.max_age

    @classmethod
    def parse(cls, text: str) -> Staleness:
        """``"30m"``, ``"12h"``, ``"7d"``, ``"0"`` (always revalidate) or ``"never"``."""
        value = text.strip().lower()
        if value == "never":
            return cls(None)
        units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
        number, unit = (value[:-1], value[-1]) if value and value[-1] in units else (value, "s")
        hint = "expected e.g. 30m, 12h, 7d, 0 or never"
        try:
            seconds = float(number) * units[unit]
            age = timedelta(seconds=seconds)
        except ValueError:
            raise InvalidArgumentError("max_age", text, f"invalid max age {text!r}: {hint}") from None
        except OverflowError:  # "inf", "1e300d": say "never" for no limit
            raise InvalidArgumentError(
                "max_age", text, f"invalid max age {text!r}: too long ({hint}; 'never' for no limit)"
            ) from None
        if seconds != seconds or seconds < 0:
            raise InvalidArgumentError("max_age", text, f"invalid max age {text!r}: {hint}")
        return cls(age)


def describe_age(age: timedelta) -> str:
    """A rough human age: ``'5 minutes'``, ``'2 hours'``, ``'3 days'``."""
    seconds = max(0, int(age.total_seconds()))
    for size, unit in ((86400, "day"), (3600, "hour"), (60, "minute")):
        if seconds >= size:
            n = seconds // size
            return f"{n} {unit}{'s' if n != 1 else ''}"
    return f"{seconds} second{'s' if seconds != 1 else ''}"
