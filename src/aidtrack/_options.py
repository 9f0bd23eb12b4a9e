"""The options several entry points take alike, each checked by one rule.

``errors=`` (the file readers, :func:`aidtrack.convert_frame`, :func:`aidtrack.macro.deflate_frame`,
:mod:`aidtrack.dask`) and ``dtype=`` (the frame conversions): a bad value is an
:class:`~aidtrack.errors.InvalidArgumentError` that names it and the values allowed.
"""

from __future__ import annotations

from aidtrack.errors import InvalidArgumentError

__all__ = ["check_dtype", "check_errors"]


def check_errors(errors: object) -> None:
    """``errors``: ``'raise'`` (bad rows raise one error naming each) or ``'coerce'`` (they are reported)."""
    if errors not in ("raise", "coerce"):
        raise InvalidArgumentError("errors", errors, f"errors must be 'raise' or 'coerce', got {errors!r}")


def check_dtype(dtype: object) -> None:
    """``dtype`` of a frame's result column: ``'float'`` (float64) or ``'decimal'`` (exact ``Decimal`` objects)."""
    if dtype not in ("float", "decimal"):
        raise InvalidArgumentError("dtype", dtype, f"dtype must be 'float' or 'decimal', got {dtype!r}")
