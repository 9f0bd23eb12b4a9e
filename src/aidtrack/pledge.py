"""``Pledge``: one announced aid commitment as an immutable, validated record.

>>> from datetime import date
>>> p = Pledge(donor="Canada", announced="2025-01-09",
...            amount=Money("440000000", "CAD"), category="military")
>>> p.donor
Donor(name='Canada', country='CA')
>>> p.qualifier, p.measure, p.recipient
(<Qualifier.EXACT: 'exact'>, <Measure.COMMITMENT: 'commitment'>, 'Ukraine')
>>> len(p.id)
16
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from datetime import date
from enum import StrEnum
from functools import cache
from typing import TYPE_CHECKING, Any, Self
from urllib.parse import urlsplit

from babel import Locale
from pydantic import ValidationInfo, computed_field, field_validator, model_validator

from aidtrack._dates import parse_iso_date
from aidtrack._record import Record, whole_text
from aidtrack.amounts import MONEY_CONTEXT, Rounding
from aidtrack.errors import AidtrackError, FieldProblem, InvalidRecordError
from aidtrack.money import Money
from aidtrack.policy import DEFAULT_MAX_LOOKBACK_DAYS, as_policy

if TYPE_CHECKING:
    from aidtrack.conversion import Conversion
    from aidtrack.policy import PolicyLike
    from aidtrack.rates.sources import SourceLike

__all__ = [
    "Category",
    "DateRange",
    "Donor",
    "Measure",
    "Pledge",
    "Qualifier",
    "SourceRef",
    "convert_pledges",
    "country_code",
]


class Category(StrEnum):
    """What kind of aid a pledge is (the Kiel tracker's aid types, plus ``other``)."""

    MILITARY = "military"
    FINANCIAL = "financial"
    HUMANITARIAN = "humanitarian"
    OTHER = "other"


class Measure(StrEnum):
    """How far along the pledge is: promised, earmarked for delivery, or paid/delivered."""

    COMMITMENT = "commitment"
    ALLOCATION = "allocation"
    DISBURSEMENT = "disbursement"


class Qualifier(StrEnum):
    """How exact the announced figure is ("over two billion" is ``at_least``)."""

    EXACT = "exact"
    AT_LEAST = "at_least"
    AT_MOST = "at_most"
    APPROXIMATELY = "approximately"

    @property
    def is_bound(self) -> bool:
        """True when the figure is only a floor or a ceiling (``at_least`` / ``at_most``)."""
        return self in (Qualifier.AT_LEAST, Qualifier.AT_MOST)


_ALIASES = {
    "usa": "US",
    "u.s.": "US",
    "us": "US",
    "united states of america": "US",
    "uk": "GB",
    "u.k.": "GB",
    "great britain": "GB",
    "britain": "GB",
    "eu": "EU",
}


@cache
def _territories() -> dict[str, str]:
    """Map of alpha-2 code to English name (CLDR), without numeric regions like ``001``."""
    names = Locale("en").territories
    return {code: str(name) for code, name in names.items() if len(code) == 2 and code.isalpha()}


@cache
def _by_name() -> dict[str, str]:
    table: dict[str, str] = {}
    for lang in ("en", "de"):
        for code, name in Locale(lang).territories.items():
            if len(code) == 2 and code.isalpha():
                table.setdefault(str(name).casefold(), code)
    table.update(_ALIASES)
    return table


def country_code(name: str) -> str | None:
    """The ISO 3166 alpha-2 code for a country name in English or German, or ``None``.

    Only exact names (any case) and a few common short forms (USA, UK, EU) match;
    nothing is guessed.

    >>> country_code("Norway"), country_code("Kanada"), country_code("NATO")
    ('NO', 'CA', None)
    """
    return _by_name().get(name.strip().casefold())


class Donor(Record):
    """Who pledged: a name, and the ISO 3166 alpha-2 code when the donor is a country."""

    name: str
    country: str | None = None

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        value = " ".join(whole_text(value, "donor name").split())
        if not value:
            raise ValueError("donor name must not be empty")
        return value

    @field_validator("country", mode="before")
    @classmethod
    def _country(cls, value: object) -> object:
        if value is None or value == "":
            return None
        if not isinstance(value, str):
            raise ValueError("country must be an ISO 3166 alpha-2 code such as 'NO'")
        code = value.strip().upper()
        if code not in _territories():
            raise ValueError(f"country {value!r} is not an ISO 3166 alpha-2 code (e.g. 'NO' Norway, 'CA' Canada, 'US')")
        return code

    @model_validator(mode="before")
    @classmethod
    def _infer_country(cls, data: object) -> object:
        if isinstance(data, str):
            data = {"name": data}
        if isinstance(data, dict) and not data.get("country") and isinstance(data.get("name"), str):
            code = country_code(data["name"])
            if code:
                data = {**data, "country": code}
        return data

    def __str__(self) -> str:
        return self.name


class DateRange(Record):
    """An inclusive range of dates, e.g. the years a multi-year pledge covers."""

    start: date
    end: date

    @field_validator("start", "end", mode="before")
    @classmethod
    def _iso(cls, value: object) -> date:
        return parse_iso_date(value)

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.end < self.start:
            raise ValueError(f"period end {self.end.isoformat()} is before its start {self.start.isoformat()}")
        return self


class SourceRef(Record):
    """Where a pledge was reported: a URL, a title and a publisher (each optional)."""

    url: str | None = None
    title: str | None = None
    publisher: str | None = None

    @field_validator("url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        value = whole_text(value.strip(), "source url")
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"source url {value!r} must be an http(s) URL such as https://example.org/page")
        return value

    @field_validator("title", "publisher")
    @classmethod
    def _text(cls, value: str | None, info: ValidationInfo) -> str | None:
        return value if value is None else whole_text(value, f"source {info.field_name}")


class Pledge(Record):
    """One pledge of aid, with everything needed to convert and total it.

    ``id`` is derived from the content (a SHA-256 prefix), so the same pledge
    read twice gets the same id and a changed pledge gets a new one.

    ``rate_date`` (optional) is the date whose exchange rate values the pledge when
    that is not its own date: a replenishment conference's date, or the day the
    pledge was announced when ``announced`` records a later event. The conversions
    (:meth:`convert`, :func:`convert_pledges`, :func:`aidtrack.totals`) pick the
    rate for ``rate_date`` when it is set and for ``announced`` otherwise
    (:attr:`rate_on`); ``announced`` stays the pledge's date. A pledge without a
    ``rate_date`` keeps the id it had before the field existed.
    """

    donor: Donor
    announced: date
    amount: Money
    rate_date: date | None = None
    category: Category = Category.OTHER
    measure: Measure = Measure.COMMITMENT
    qualifier: Qualifier = Qualifier.EXACT
    recipient: str = "Ukraine"
    period: DateRange | None = None
    source: SourceRef | None = None
    notes: str | None = None

    @field_validator("announced", mode="before")
    @classmethod
    def _announced(cls, value: object) -> date:
        return parse_iso_date(value, what="announced date")

    @field_validator("rate_date", mode="before")
    @classmethod
    def _rate_date(cls, value: object) -> date | None:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        return parse_iso_date(value, what="rate date")

    @property
    def rate_on(self) -> date:
        """The date the pledge's rate is chosen for: :attr:`rate_date` when set, else :attr:`announced`."""
        return self.rate_date if self.rate_date is not None else self.announced

    @field_validator("amount")
    @classmethod
    def _positive(cls, value: Money) -> Money:
        if value.amount <= 0:
            raise ValueError(f"pledged amount must be greater than zero, got {value.amount} {value.currency}")
        return value

    @field_validator("category", "measure", "qualifier", mode="before")
    @classmethod
    def _lower(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("recipient")
    @classmethod
    def _recipient(cls, value: str) -> str:
        value = " ".join(whole_text(value, "recipient").split())
        if not value:
            raise ValueError("recipient must not be empty")
        return value

    @field_validator("notes")
    @classmethod
    def _notes(cls, value: str | None) -> str | None:
        return whole_text(value, "notes") if value and value.strip() else None

    @model_validator(mode="before")
    @classmethod
    def _drop_id(cls, data: Any) -> Any:
        # ``id`` is derived from the content; a serialised pledge carries it, and
        # model_validate / model_validate_json check it against the content.
        if isinstance(data, dict) and "id" in data:
            data = {k: v for k, v in data.items() if k != "id"}
        return data

    @classmethod
    def model_validate(cls, obj: Any, *args: Any, **kwargs: Any) -> Self:
        """Validate a mapping; a given ``id`` must match the content."""
        given = obj.get("id") if isinstance(obj, dict) else None
        pledge = super().model_validate(obj, *args, **kwargs)
        if given is not None and given != pledge.id:
            raise InvalidRecordError(
                "Pledge",
                [
                    FieldProblem(
                        "id",
                        given,
                        f"does not match the pledge's content (its id is {pledge.id!r}); "
                        "drop the id to accept edited content",
                    )
                ],
            )
        return pledge

    @classmethod
    def model_validate_json(cls, json_data: str | bytes | bytearray, *args: Any, **kwargs: Any) -> Self:
        """Validate JSON text; a given ``id`` must match the content."""
        from aidtrack._record import loads_exact
        from aidtrack.errors import DataFormatError

        try:
            obj = loads_exact(json_data, where="Pledge")  # numbers from their exact text, not through a float
        except DataFormatError as exc:
            raise InvalidRecordError("Pledge", [FieldProblem("<json>", str(json_data)[:80], str(exc))]) from None
        return cls.model_validate(obj, *args, **kwargs)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def id(self) -> str:
        """Stable content hash: 16 hex digits of SHA-256 over the canonical JSON."""
        content = self.model_dump(mode="json", exclude={"id"})
        if content.get("rate_date") is None:  # the ids of pledges without one stay as they were
            content.pop("rate_date", None)
        content["amount"]["amount"] = format(
            self.amount.amount.normalize(MONEY_CONTEXT), "f"
        )  # 2E+9 and 2000000000 alike
        blob = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return hashlib.sha256(blob.encode()).hexdigest()[:16]

    @classmethod
    def _trusted(cls, fields: dict[str, Any], fields_set: set[str]) -> Pledge:
        """A pledge from field values that were validated already, without validating them again.

        For the file readers, which validate whole columns and build each record from
        values that came out of this class's own validation (the donor, period and source
        records, dates, codes); ``fields`` holds every field in declaration order,
        ``fields_set`` the ones the row gave. Not for values from anywhere else.

        ``fields_set`` is taken as it is, not copied: the readers give the rows with the same
        fields one set (a set per record would cost a million objects for the garbage
        collector to walk). That is safe because a pledge is frozen and pydantic copies the
        set before it changes one (``model_copy(update=...)``). ``_Checked.records`` in
        :mod:`aidtrack.files` inlines these four assignments in its loop; change both together.
        """
        pledge = cls.__new__(cls)
        object.__setattr__(pledge, "__dict__", fields)
        object.__setattr__(pledge, "__pydantic_fields_set__", fields_set)
        object.__setattr__(pledge, "__pydantic_extra__", None)
        object.__setattr__(pledge, "__pydantic_private__", None)
        return pledge

    def _id_pieces(self) -> tuple[str, str, str]:
        """The canonical JSON of :attr:`id` around its per-row parts, for computing many ids at once.

        The JSON is ``'{"amount":{"amount":A,"currency":C},"announced":D,' + first +
        ',"notes":' + N + ',' + second + R + ',' + third + '}'``, where A, C, D and N are
        the JSON strings of the normalised amount, the currency, the ISO date and the notes
        (``null`` when none), and R is ``',"rate_date":"YYYY-MM-DD"'`` or empty when there is
        no rate date. The three pieces depend on every other field. Tests check that the
        result equals :attr:`id`.
        """
        content = self.model_dump(mode="json", exclude={"id", "amount", "announced", "notes", "rate_date"})

        def dumped(keys: tuple[str, ...]) -> str:
            text = json.dumps({k: content[k] for k in keys}, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
            return text[1:-1]

        return (
            dumped(("category", "donor", "measure")),
            dumped(("period", "qualifier")),
            dumped(("recipient", "source")),
        )

    def convert(
        self,
        to: str | None = None,
        *,
        on: date | str | None = None,
        policy: PolicyLike = "daily",
        source: SourceLike | None = None,
        rounding: Rounding | str = "half_even",
        max_lookback_days: int = DEFAULT_MAX_LOOKBACK_DAYS,
    ) -> Conversion:
        """Convert the pledged amount at the rate for :attr:`rate_on`.

        That is the :attr:`rate_date` when set, else the announcement date. The
        arguments are those of :func:`aidtrack.convert` (the target as the first
        argument or ``to=``; default EUR); ``on`` overrides both dates (e.g. an
        IATI value-date) and takes the same forms.

        >>> p = Pledge(donor="Canada", announced="2025-01-09", amount=Money("440000000", "CAD"))
        >>> p.convert("EUR").result == p.convert(to="EUR").result == p.convert().result
        True
        """
        from aidtrack.conversion import convert

        return convert(
            self.amount,
            to=to,
            on=self.rate_on if on is None else on,
            policy=policy,
            source=source,
            rounding=rounding,
            max_lookback_days=max_lookback_days,
        )


def convert_pledges(
    pledges: Iterable[Pledge],
    to: str | None = None,
    *,
    policy: PolicyLike = "daily",
    source: SourceLike | None = None,
    rounding: Rounding | str = Rounding.HALF_EVEN,
    max_lookback_days: int = DEFAULT_MAX_LOOKBACK_DAYS,
) -> list[Conversion]:
    """Convert every pledge (in order) at the rate for its :attr:`~Pledge.rate_on` date.

    That is its ``rate_date`` when set, else its announcement date.

    The arguments are those of :func:`aidtrack.convert`: the target as the
    second argument or ``to=`` (default EUR), and the same sources: each pledge is priced by the first table of
    ``source`` (by default the bundled ECB rates, then the IMF's annual averages) that can price it, as
    :meth:`Pledge.convert` prices it. The tables are loaded once; the first pledge with no rate raises
    :class:`~aidtrack.errors.RateNotAvailableError` naming it.
    """
    from aidtrack.conversion import convert_money, target_currency
    from aidtrack.rates.sources import resolve_tables_lazily

    target = target_currency(None, to)
    pol = as_policy(policy)
    mode = Rounding(rounding)
    table = resolve_tables_lazily(source)
    out = []
    for p in pledges:
        try:
            out.append(
                convert_money(
                    p.amount, target, p.rate_on, pol, table, rounding=mode, max_lookback_days=max_lookback_days
                )
            )
        except AidtrackError as exc:
            rate_note = f", rate date {p.rate_date.isoformat()}" if p.rate_date is not None else ""
            exc.add_note(
                f"while converting pledge {p.id} ({p.donor.name}, {p.announced.isoformat()}{rate_note}, {p.amount})"
            )
            raise
    return out
