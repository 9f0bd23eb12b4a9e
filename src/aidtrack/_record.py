"""Shared base for aidtrack's immutable pydantic records.

Pydantic reports bad input as ``pydantic.ValidationError``; aidtrack re-raises
it as :class:`~aidtrack.errors.InvalidRecordError` (an ``AidtrackError`` and a
``ValueError``) on every entry point, so callers need catch only one root.
The pydantic error stays attached as ``__cause__``.
"""

from __future__ import annotations

from typing import Any, Self

from pydantic import BaseModel, ConfigDict, ValidationError

from .errors import FieldProblem, InvalidRecordError

__all__ = ["Record", "invalid_record"]


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


class Record(BaseModel):
    """Immutable, strict-about-extras pydantic model that raises aidtrack errors."""

    model_config = ConfigDict(frozen=True, extra="forbid", validate_default=True)

    def __init__(self, /, **data: Any) -> None:
        try:
            super().__init__(**data)
        except ValidationError as exc:
            raise invalid_record(type(self).__name__, exc) from exc

    @classmethod
    def model_validate(cls, obj: Any, *args: Any, **kwargs: Any) -> Self:
        try:
            return super().model_validate(obj, *args, **kwargs)
        except ValidationError as exc:
            raise invalid_record(cls.__name__, exc) from exc

    @classmethod
    def model_validate_json(cls, json_data: str | bytes | bytearray, *args: Any, **kwargs: Any) -> Self:
        try:
            return super().model_validate_json(json_data, *args, **kwargs)
        except ValidationError as exc:
            raise invalid_record(cls.__name__, exc) from exc
