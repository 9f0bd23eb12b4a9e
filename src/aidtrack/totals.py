"""Converting many pledges and totalling them by donor, category, measure and period.

Each pledge is converted with :func:`aidtrack.convert` (exact ``Decimal``, one
rounding to the target's minor unit per pledge) and the rounded amounts are
summed exactly. So the group totals add up to the grand total to the cent,
and every total equals the sum of the per-pledge figures a reader can check.

The result is a pandas ``DataFrame`` with one row per group::

    <keys...> | currency | total (Decimal) | count | bound_count

``count`` is the number of pledges in the group and ``bound_count`` the
number whose figure is only a floor or ceiling (``at_least`` / ``at_most``):
when it is not zero, the total is not an exact figure.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Literal, TypeAlias, get_args

from .currency import normalize_currency
from .errors import AidtrackError
from .money import Money, Rounding
from .policy import DEFAULT_MAX_LOOKBACK_DAYS, PolicyLike, as_policy
from .sources import SourceLike, resolve_table

if TYPE_CHECKING:
    import pandas as pd

    from .conversion import Conversion
    from .pledge import Pledge

__all__ = [
    "GROUP_KEYS",
    "TOTAL_COLUMNS",
    "GroupKey",
    "InvalidGroupingError",
    "convert_pledges",
    "grand_total",
    "group_key_values",
    "totals",
]

GroupKey: TypeAlias = Literal[
    "donor", "country", "category", "measure", "qualifier", "day", "week", "month", "quarter", "year"
]
GROUP_KEYS: tuple[str, ...] = get_args(GroupKey)
"""Everything ``by=`` accepts: record fields, and periods of the announcement date."""
PERIODS = {"day": "D", "week": "W", "month": "M", "quarter": "Q", "year": "Y"}
TOTAL_COLUMNS = ("currency", "total", "count", "bound_count")
"""The columns after the group keys in every totals table."""


class InvalidGroupingError(AidtrackError, ValueError):
    """``by=`` named something that is not a grouping key."""

    def __init__(self, key: object) -> None:
        self.key = key
        super().__init__(f"cannot group by {key!r}: expected one or more of {', '.join(GROUP_KEYS)}")


def _keys(by: GroupKey | str | Sequence[str] | None) -> list[str]:
    if by is None:
        return []
    keys = [by] if isinstance(by, str) else list(by)
    for key in keys:
        if key not in GROUP_KEYS:
            raise InvalidGroupingError(key)
    if len(set(keys)) != len(keys):
        raise InvalidGroupingError(by)
    return keys


def convert_pledges(
    pledges: Iterable[Pledge],
    to: str = "EUR",
    *,
    policy: PolicyLike = "daily",
    source: SourceLike | None = None,
    rounding: Rounding | str = Rounding.HALF_EVEN,
    max_lookback_days: int = DEFAULT_MAX_LOOKBACK_DAYS,
) -> list[Conversion]:
    """Convert every pledge (in order) at the rate for its announcement date.

    The rate table is loaded once; the first pledge with no rate raises
    :class:`~aidtrack.errors.RateNotAvailableError` naming it.
    """
    from .conversion import convert_money

    target = normalize_currency(to)
    pol = as_policy(policy)
    mode = Rounding(rounding)
    table = resolve_table(source)
    out = []
    for p in pledges:
        try:
            out.append(
                convert_money(
                    p.amount, target, p.announced, pol, table, rounding=mode, max_lookback_days=max_lookback_days
                )
            )
        except AidtrackError as exc:
            exc.add_note(f"while converting pledge {p.id} ({p.donor.name}, {p.announced.isoformat()}, {p.amount})")
            raise
    return out


def group_key_values(pledge: Pledge, keys: Sequence[str]) -> tuple[object, ...]:
    """The values of ``keys`` for one pledge (periods as ``pandas.Period``)."""
    import pandas as pd

    values: list[object] = []
    for key in keys:
        if key == "donor":
            values.append(pledge.donor.name)
        elif key == "country":
            values.append(pledge.donor.country or "")
        elif key in ("category", "measure", "qualifier"):
            values.append(str(getattr(pledge, key).value))
        else:
            values.append(pd.Period(pledge.announced, freq=PERIODS[key]))
    return tuple(values)


def totals(
    pledges: Iterable[Pledge],
    to: str = "EUR",
    by: GroupKey | str | Sequence[str] | None = "donor",
    *,
    policy: PolicyLike = "daily",
    source: SourceLike | None = None,
    rounding: Rounding | str = Rounding.HALF_EVEN,
    sort: Literal["keys", "total"] = "keys",
    max_lookback_days: int = DEFAULT_MAX_LOOKBACK_DAYS,
) -> pd.DataFrame:
    """Total the pledges in ``to``, grouped by ``by`` (``None`` or ``[]`` for one grand total).

    ``by`` takes ``donor``, ``country``, ``category``, ``measure``,
    ``qualifier`` and the periods ``day``, ``week``, ``month``, ``quarter``,
    ``year``, alone or as a list (``by=["donor", "month"]``). ``sort="total"``
    puts the largest group first. ``df.attrs`` holds the target currency, the
    policy, the grand total and the rate source. A pandas ``DataFrame`` of
    pledges (or a converted one) is totalled by :func:`aidtrack.aggregate.totals`,
    vectorised, with the same result.

    >>> from aidtrack import Pledge, Money
    >>> ps = [Pledge(donor="Canada", announced="2025-01-09", amount=Money(440_000_000, "CAD")),
    ...       Pledge(donor="Norway", announced="2025-01-09", amount=Money(2_000_000_000, "EUR"),
    ...              qualifier="at_least")]
    >>> totals(ps, to="EUR", by="donor")[["donor", "total", "count", "bound_count"]]
        donor          total  count  bound_count
    0  Canada   296675881.60      1            0
    1  Norway  2000000000.00      1            1
    """
    import pandas as pd

    if isinstance(pledges, pd.DataFrame):  # a frame of pledges: the vectorised path, same result
        from .aggregate import totals as frame_totals

        return frame_totals(
            pledges,
            to,
            by,
            policy=policy,
            source=source,
            rounding=rounding,
            sort=sort,
            max_lookback_days=max_lookback_days,
        )
    keys = _keys(by)
    pledge_list = list(pledges)
    target = normalize_currency(to)
    pol = as_policy(policy)
    table = resolve_table(source) if pledge_list else None  # once: the totals and their provenance agree
    conversions = convert_pledges(
        pledge_list, target, policy=pol, source=table, rounding=rounding, max_lookback_days=max_lookback_days
    )
    groups: dict[tuple[object, ...], list[int]] = {}
    for i, pledge in enumerate(pledge_list):
        groups.setdefault(group_key_values(pledge, keys), []).append(i)
    rows = []
    for key_values, members in groups.items():
        total = sum((conversions[i].result.amount for i in members), Decimal(0))
        bounds = sum(1 for i in members if pledge_list[i].qualifier.is_bound)
        rows.append((*key_values, target, _minor(total, target), len(members), bounds))
    frame = pd.DataFrame(rows, columns=[*keys, *TOTAL_COLUMNS])
    frame["count"] = frame["count"].astype("int64")
    frame["bound_count"] = frame["bound_count"].astype("int64")
    if len(frame):
        if sort == "total":
            frame = frame.sort_values("total", ascending=False, kind="stable", key=lambda s: s.map(float))
        elif keys:
            frame = frame.sort_values(keys, kind="stable")
        frame = frame.reset_index(drop=True)
    grand = sum((c.result.amount for c in conversions), Decimal(0))
    frame.attrs.update(
        currency=target,
        policy=str(pol),
        grand_total=Money(_minor(grand, target), target),
        source=table.info if table is not None else None,
        count=len(pledge_list),
        bound_count=sum(1 for p in pledge_list if p.qualifier.is_bound),
    )
    return frame


def grand_total(
    pledges: Iterable[Pledge],
    to: str = "EUR",
    *,
    policy: PolicyLike = "daily",
    source: SourceLike | None = None,
    rounding: Rounding | str = Rounding.HALF_EVEN,
) -> Money:
    """The sum of all the pledges' converted (rounded) amounts in ``to``."""
    grand: Money = totals(pledges, to, by=None, policy=policy, source=source, rounding=rounding).attrs["grand_total"]
    return grand


def _minor(amount: Decimal, currency: str) -> Decimal:
    """Show a sum of rounded amounts with exactly the minor unit's decimals (no rounding happens)."""
    from .money import quantize

    return quantize(amount, currency)
