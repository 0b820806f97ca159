"""The registry of field kinds by name. Names are unique, so that the display macro named
after a kind is the one for it."""

from __future__ import annotations

from typing import TypeVar

from knowledgebase.field_kinds.base import FieldKind

K = TypeVar("K", bound=FieldKind)

KINDS: dict[str, FieldKind] = {}


def register(kind: K) -> K:
    """Add ``kind`` under its name and return it; another kind of the same name is an error."""
    if not kind.name:
        raise ValueError(f"{kind!r} has no name")
    if KINDS.get(kind.name, kind) is not kind:
        raise ValueError(f"a field kind named {kind.name} is registered already")
    KINDS[kind.name] = kind
    return kind


def unregister(kind: FieldKind) -> None:
    """Remove ``kind`` (a kind registered for a while, as a test's)."""
    if KINDS.get(kind.name) is kind:
        del KINDS[kind.name]


def is_registered(kind: FieldKind) -> bool:
    return KINDS.get(kind.name) is kind


def kind_named(name: str) -> FieldKind:
    """The kind registered as ``name`` (KeyError if none is)."""
    return KINDS[name]
