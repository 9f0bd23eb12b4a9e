"""Shared base for aidtrack's immutable pydantic records.

Pydantic reports bad input as ``pydantic.ValidationError``; aidtrack re-raises
it as :class:`~aidtrack.errors.InvalidRecordError` (an ``AidtrackError`` and a
``ValueError``) on every entry point, so callers need catch only one root.
The pydantic error stays attached as ``__cause__``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Self

from pydantic import BaseModel, ConfigDict, ValidationError

from aidtrack.errors import FieldProblem, InvalidRecordError

__all__ = ["Record", "invalid_record", "loads_exact", "repeated_keys", "whole_text"]


def repeated_keys(pairs: list[tuple[str, Any]]) -> tuple[str, ...]:
    """The keys a JSON object's ``pairs`` give more than once, in the order they repeat (``json`` keeps the last).

    >>> repeated_keys([("a", 1), ("b", 2), ("a", 3)]), repeated_keys([("a", 1)])
    (('a',), ())
    """
    seen: set[str] = set()
    repeated: dict[str, None] = {}
    for key, _ in pairs:
        if key in seen:
            repeated[key] = None
        seen.add(key)
    return tuple(repeated)


def whole_text(value: str, what: str) -> str:
    """``value``, if UTF-8 can hold it, else a ``ValueError`` (a pledge's :attr:`~aidtrack.pledge.Pledge.id`
    hashes its UTF-8).

    Only a lone surrogate fails: half of a character, left by a JSON ``\\ud800`` escape without
    its pair or by bytes decoded with ``errors="surrogateescape"``.
    """
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise ValueError(
                f"{what} holds {value[exc.start]!r} at position {exc.start}, a lone surrogate (half of a character, "
                "not text): the text was damaged on its way in; correct it where it came from"
            ) from None
    return value


def invalid_record(model: str, exc: ValidationError) -> InvalidRecordError:
    """Translate a pydantic ``ValidationError`` into an :class:`InvalidRecordError`."""
    problems = []
    for err in exc.errors(include_url=False):
        loc = ".".join(str(part) for part in err["loc"]) or model
        msg = err["msg"]
        for prefix in ("Value error, ", "Assertion failed, "):
            msg = msg.removeprefix(prefix)
        problems.append(FieldProblem(field=loc, value=err.get("input"), message=msg))
    return InvalidRecordError(model, problems)


if TYPE_CHECKING:
    from pydantic._internal._model_construction import ModelMetaclass as _ModelMetaclass
else:
    _ModelMetaclass = type(BaseModel)  # pydantic's metaclass, without importing a private module


class _RecordMeta(_ModelMetaclass):
    """Re-raises construction errors as aidtrack errors.

    Wrapping ``__call__`` (not ``__init__``) keeps pydantic's fast path: a model
    with a custom ``__init__`` is validated by calling that ``__init__``, which
    would wrap nested errors twice.
    """

    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().__call__(*args, **kwargs)
        except ValidationError as exc:
            raise invalid_record(cls.__name__, exc) from exc


class Record(BaseModel, metaclass=_RecordMeta):
    """Immutable, strict-about-extras pydantic model that raises aidtrack errors."""

    model_config = ConfigDict(frozen=True, extra="forbid", validate_default=True)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(
            f"{type(self).__name__} is immutable; cannot set {name!r} "
            f"(make a validated, changed copy with .replace({name}=...))"
        )

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable; cannot delete {name!r}")

    def replace(self, **changes: Any) -> Self:
        """A copy with some fields changed, validated like a new record (unlike ``model_copy``)."""
        data = self.model_dump(exclude=set(type(self).model_computed_fields))
        data.update(changes)
        return type(self).model_validate(data)

    @classmethod
    def model_validate(cls, obj: Any, *args: Any, **kwargs: Any) -> Self:
        try:
            return super().model_validate(obj, *args, **kwargs)
        except ValidationError as exc:
            raise invalid_record(cls.__name__, exc) from exc

    @classmethod
    def model_validate_json(cls, json_data: str | bytes | bytearray, *args: Any, **kwargs: Any) -> Self:
        """Validate JSON text, every number read from its exact text (see :func:`aidtrack._serialize.loads_exact`)."""
        from aidtrack.errors import DataFormatError

        try:
            obj = loads_exact(json_data, where=cls.__name__)
        except DataFormatError as exc:
            raise InvalidRecordError(cls.__name__, [FieldProblem(cls.__name__, None, str(exc))]) from None
        return cls.model_validate(obj, *args, **kwargs)


def loads_exact(data: str | bytes | bytearray, *, where: str = "<JSON>") -> Any:
    """Parse JSON text with every number kept exact: integers as ``int``, others as ``Decimal``.

    pydantic's and the standard JSON parsers read a number such as ``1234567890.1234567891``
    into a binary float, which keeps 17 significant digits; aidtrack reads the number's own
    text instead. ``NaN`` / ``Infinity`` (not JSON), text that is not UTF-8, an object that names
    a key twice (the standard parser keeps the last value silently) and nesting deeper than
    Python can parse are refused with a :class:`~aidtrack.errors.DataFormatError` naming
    ``where`` and, for syntax errors, the line and column.

    >>> loads_exact('{"amount": 1234567890.1234567891}')
    {'amount': Decimal('1234567890.1234567891')}
    """
    import json
    from decimal import Decimal

    from aidtrack.errors import DataFormatError

    def constant(name: str) -> Any:
        raise DataFormatError(where, f"{name} is not a JSON number (JSON has no NaN or infinities)")

    def unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        obj = dict(pairs)
        if len(obj) != len(pairs):
            twice = repeated_keys(pairs)[0]
            values = ", ".join(repr(v) for k, v in pairs if k == twice)
            raise DataFormatError(
                where, f"an object names {twice!r} more than once ({values}); keep the one that is meant"
            )
        return obj

    if isinstance(data, bytes | bytearray):
        try:
            text = bytes(data).decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise DataFormatError(
                where, f"not UTF-8 text: byte 0x{data[exc.start]:02x} at offset {exc.start} cannot be decoded"
            ) from None
    else:
        text = data
    try:
        return json.loads(text, parse_float=Decimal, parse_constant=constant, object_pairs_hook=unique)
    except json.JSONDecodeError as exc:
        raise DataFormatError(where, f"not JSON ({exc.msg})", line=exc.lineno, column=exc.colno) from None
    except RecursionError:
        raise DataFormatError(where, "the JSON is nested too deeply to read") from None
