"""JSON and JSON-schema support for aidtrack's value classes, through pydantic.

``Money``, ``Conversion`` and ``SourceInfo`` are plain immutable classes, so
``import aidtrack`` and a first conversion never load pydantic's model
machinery (about 70 ms). When they are serialised, validated from JSON or
described as a JSON schema, these helpers build a cached pydantic
``TypeAdapter`` on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal, TypeVar

if TYPE_CHECKING:
    from pydantic import TypeAdapter

__all__ = ["adapter", "dump", "dump_json", "json_schema", "validate", "validate_json"]

T = TypeVar("T")


_ADAPTERS: dict[type[Any], TypeAdapter[Any]] = {}


def _adapter(cls: type[Any]) -> TypeAdapter[Any]:
    adapter = _ADAPTERS.get(cls)
    if adapter is None:
        from pydantic import TypeAdapter

        adapter = _ADAPTERS[cls] = TypeAdapter(cls)
    return adapter


def adapter(cls: type[T]) -> TypeAdapter[T]:
    """The cached pydantic ``TypeAdapter`` for ``cls``."""
    return _adapter(cls)


def dump(obj: Any, *, mode: Literal["json", "python"] = "json") -> Any:
    """``obj`` as plain Python data (``mode="json"``: only JSON types, amounts as strings)."""
    return _adapter(type(obj)).dump_python(obj, mode=mode)


def dump_json(obj: Any, *, indent: int | None = None) -> str:
    """``obj`` as a JSON string; amounts and rates are strings, so nothing is rounded."""
    return _adapter(type(obj)).dump_json(obj, indent=indent).decode()


def _reraise(cls: type[Any], exc: Exception) -> Exception:
    from pydantic import ValidationError

    from aidtrack._record import invalid_record

    if isinstance(exc, ValidationError):
        return invalid_record(cls.__name__, exc)
    return exc


def validate(cls: type[T], data: Any) -> T:
    """Build a ``cls`` from plain data (as produced by :func:`dump`)."""
    try:
        return _adapter(cls).validate_python(data)  # type: ignore[no-any-return]
    except ValueError as exc:
        raise _reraise(cls, exc) from exc


def validate_json(cls: type[T], data: str | bytes) -> T:
    """Build a ``cls`` from JSON text (as produced by :func:`dump_json`), numbers read exactly."""
    from aidtrack._record import loads_exact
    from aidtrack.errors import DataFormatError, FieldProblem, InvalidRecordError

    try:
        obj = loads_exact(data, where=cls.__name__)
    except DataFormatError as exc:
        raise InvalidRecordError(cls.__name__, [FieldProblem(cls.__name__, _clip(data), str(exc))]) from None
    return validate(cls, obj)


def _clip(data: str | bytes) -> str:
    text = data if isinstance(data, str) else data.decode("utf-8", "replace")
    return text if len(text) <= 80 else text[:77] + "..."


def json_schema(cls: type[Any]) -> dict[str, Any]:
    """The JSON schema of ``cls``."""
    return _adapter(cls).json_schema()
