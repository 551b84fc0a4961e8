"""Option and argument values turned into their declared types without pydantic when that is plain.

Recent Typer versions coerce every parameter value, a missing one included, through a pydantic
TypeAdapter built on first use. Importing pydantic for it costs some 60 ms on every run of a command
with an option, more than the rest of what a read command adds to a bare Typer command. A missing
value, the parameter's own default, a word typed for a `str`, digits typed for an `int` within its
bounds (and lists of those) come out of Typer's coercion as plain to see, so they are given here;
anything else (a path, a sign, a number out of bounds, a word for an `int`) goes through Typer's
coercion as before, errors and all. Typer versions built on `click` have no runtime coercion and are
left alone.
"""

from __future__ import annotations

import typing
from types import UnionType
from typing import Any

NOT_PLAIN = object()


class CoercionWhenNeeded:
    """Stands in for Typer's coercion of one parameter and builds it only for a value that needs it."""

    def __init__(self, param: Any) -> None:
        self.param = param
        self.typer_coercion: Any = None

    def coerce(self, value: Any, param: Any, ctx: Any) -> Any:
        plain = self.plain(value)
        if plain is not NOT_PLAIN:
            return plain
        if self.typer_coercion is None:
            from typer.core import build_runtime_param

            self.typer_coercion = build_runtime_param(self.param.type_descriptor)
        return self.typer_coercion.coerce(value, param=param, ctx=ctx)

    def plain(self, value: Any) -> Any:
        """The value Typer's coercion gives, when that is plain to see; NOT_PLAIN otherwise."""
        param = self.param
        descriptor = param.type_descriptor
        info = descriptor.parameter_info
        multiple = param.multiple or param.nargs == -1
        if value is None:
            return () if multiple else None  # what Typer's coercion gives for a missing value
        if getattr(info, "parser", None) is not None or getattr(info, "click_type", None) is not None:
            return NOT_PLAIN
        if not multiple:
            return value if value is param.default else plain_item(value, descriptor.annotation, info)
        if typing.get_origin(descriptor.annotation) is not list or not isinstance(value, tuple | list):
            return NOT_PLAIN
        (item_annotation,) = typing.get_args(descriptor.annotation)
        items = [plain_item(item, item_annotation, info) for item in value]
        return NOT_PLAIN if NOT_PLAIN in items else items


def plain_item(value: Any, annotation: Any, info: Any) -> Any:
    """A word typed for a `str` (or `str | None`), a flag's bool for a `bool`, digits typed for an
    `int` within its bounds, as Typer gives them; NOT_PLAIN for anything else."""
    declared = declared_types(annotation)
    if type(value) in {str, bool} and declared == {type(value)}:
        return value
    if declared == {int} and type(value) is str and value.isascii() and value.isdigit():
        number = int(value)
        low, high = getattr(info, "min", None), getattr(info, "max", None)
        if (low is None or number >= low) and (high is None or number <= high):
            return number
    return NOT_PLAIN


def declared_types(annotation: Any) -> set[Any]:
    """The types an annotation allows besides None: {str} for `str` and for `str | None`."""
    union = typing.get_origin(annotation) in (typing.Union, UnionType)
    return {member for member in (typing.get_args(annotation) if union else (annotation,)) if member is not type(None)}


def coerce_only_when_needed(params: list[Any]) -> None:
    """Give a command's parameters (its help option too) CoercionWhenNeeded before Click parses
    its arguments."""
    for param in params:
        if getattr(param, "_runtime_param", False) is None and hasattr(param, "type_descriptor"):
            param._runtime_param = CoercionWhenNeeded(param)
