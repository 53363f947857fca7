"""copy_with(): a changed copy of a frozen record, for the stages that add fields to records read before."""
from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel

from ..models import Record

R = TypeVar("R", bound=Record)


def copy_with(record: R, changes: dict[str, Any]) -> R:
    """`record.model_copy(update=changes)` for a frozen record, at half its cost: pydantic's
    copy runs copy.copy on each of the model's four slots (22 k instructions a unit, and a
    notice has dozens); these are new references to the same values, as a shallow copy is.
    The changes come as a dict, not as keywords: a caller that has them in a dict (the spans
    of SpanFinder.of) adds to it, where keywords would copy it twice."""
    copy = _new(type(record))
    values = record.__dict__.copy()
    values.update(changes)
    _set(copy, "__dict__", values)
    _set_fields_set(copy, record.__pydantic_fields_set__ | changes.keys())
    _set_extra(copy, record.__pydantic_extra__)
    _set_private(copy, record.__pydantic_private__)
    return copy


_new, _set = object.__new__, object.__setattr__
# The slots of BaseModel set through their descriptors: what object.__setattr__ ends in, without
# its look-up of the name on the type (a third of the cost of a copy).
_set_fields_set = BaseModel.__dict__["__pydantic_fields_set__"].__set__
_set_extra = BaseModel.__dict__["__pydantic_extra__"].__set__
_set_private = BaseModel.__dict__["__pydantic_private__"].__set__
