"""Facts to and from plain JSON-ready documents, generated from their types.

One codec for every frozen dataclass fact: it walks ``dataclasses.fields`` with the resolved
type hints and converts each value by its type, so a new fact kind (or a new field) needs no
hand-written ``to_document`` / ``from_document``. Keys follow the field order.

Writing (``to_document``):

- ``datetime`` (or ``datetime | None``): through ``instant`` - ``format_instant`` for answers
  (the default), ``timeutil.stored_instant`` for the stored state;
- ``time``: ``HH:MM``; ``date``: ``YYYY-MM-DD``;
- ``frozenset``: a sorted list, or in the order an ``InOrder`` annotation gives (weekdays);
- ``tuple``: a list; nested dataclasses: their own document; ``Enum``: its value;
- anything else (``str``, ``dict`` evidence, ``Any``): as it is.

Reading (``from_document``), always from storage, so a value that cannot be read raises
(``UnreadableRecord``, or ``KeyError`` / ``TypeError`` / ``ValueError`` which
``documents.facts_from_document`` turns into one), never an ``InvalidRequest``:

- a field without a default must be present; an instant is read by ``read_stored_instant``;
- a field with a default may be missing or null (older documents lack it): it takes the
  default. For structured values (instants, nested facts, sequences) an empty stored value
  ("", {}, []) means the default too; plain values (a text, evidence) are kept as stored;
- ``Annotated[..., ReadWith(f)]`` reads the stored value through ``f`` (brands through
  ``stored_brand``, so records from before brands were normalised read canonical);
- items of a ``tuple[str, ...]`` must be texts; keys the fact does not know are ignored.
"""
from __future__ import annotations

import dataclasses
import types
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from enum import Enum
from typing import Annotated, Any, TypeVar, Union, cast, get_args, get_origin, get_type_hints

from .timeutil import format_instant, read_stored_instant

# How a document writes its instants: ``format_instant`` for answers (the default),
# ``timeutil.stored_instant`` for the stored state (documents.document_from_facts).
Instant = Callable[[datetime | None], str | None]

T = TypeVar("T")


@dataclass(frozen=True)
class ReadWith:
    """Annotation: read the stored value through this function instead of as it is."""

    read: Callable[[Any], Any]


@dataclass(frozen=True)
class InOrder:
    """Annotation for a frozenset: written in this order (the members it holds), not sorted."""

    order: tuple[Any, ...]


@dataclass(frozen=True)
class _Field:
    name: str
    kind: Any  # the type without Annotated / Optional
    optional: bool  # ``X | None``
    marks: tuple[Any, ...]  # Annotated metadata
    default: Callable[[], Any] | None  # None: no default, the field must be stored


_NO_DEFAULT = cast(Any, dataclasses.MISSING)


def _unwrap(hint: Any) -> tuple[Any, bool, tuple[Any, ...]]:
    marks: tuple[Any, ...] = ()
    if get_origin(hint) is Annotated:
        hint, *extra = get_args(hint)
        marks = tuple(extra)
    optional = False
    if get_origin(hint) in (Union, types.UnionType):
        args = [a for a in get_args(hint) if a is not type(None)]
        optional = len(args) < len(get_args(hint))
        if len(args) != 1:
            raise TypeError(f"the fact codec cannot convert {hint!r}")
        hint = args[0]
        if get_origin(hint) is Annotated:
            hint, *extra = get_args(hint)
            marks += tuple(extra)
    return hint, optional, marks


_FIELDS: dict[type, tuple[_Field, ...]] = {}


def _fields(cls: type) -> tuple[_Field, ...]:
    if cls not in _FIELDS:
        _FIELDS[cls] = _fields_of(cls)
    return _FIELDS[cls]


def _fields_of(cls: type) -> tuple[_Field, ...]:
    if not (isinstance(cls, type) and dataclasses.is_dataclass(cls)):
        raise TypeError(f"{cls!r} is not a dataclass")
    hints = get_type_hints(cls, include_extras=True)
    out = []
    for f in dataclasses.fields(cls):
        kind, optional, marks = _unwrap(hints[f.name])
        default: Callable[[], Any] | None = None
        if f.default is not _NO_DEFAULT:
            default = _const(f.default)
        elif f.default_factory is not _NO_DEFAULT:
            default = cast(Callable[[], Any], f.default_factory)
        out.append(_Field(f.name, kind, optional, marks, default))
    return tuple(out)


def _const(value: Any) -> Callable[[], Any]:
    return lambda: value


def _mark(marks: tuple[Any, ...], kind: type[T]) -> T | None:
    return next((m for m in marks if isinstance(m, kind)), None)


def to_document(fact: Any, instant: Instant = format_instant) -> dict[str, Any]:
    """The plain document of a dataclass fact (see the module text for the rules)."""
    return {f.name: _write(getattr(fact, f.name), f.kind, f.marks, instant) for f in _fields(type(fact))}


def _write(value: Any, kind: Any, marks: tuple[Any, ...], instant: Instant) -> Any:
    if kind is datetime:
        return instant(value)
    if value is None:
        return None
    origin = get_origin(kind) or kind
    if kind is time:
        return value.strftime("%H:%M")
    if kind is date:
        return value.isoformat()
    if isinstance(kind, type) and issubclass(kind, Enum):
        return value.value
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        return to_document(value, instant)
    if origin is frozenset:
        (item,) = get_args(kind) or (Any,)
        ordered = _mark(marks, InOrder)
        members = [m for m in ordered.order if m in value] if ordered else sorted(value)
        return [_write(m, item, (), instant) for m in members]
    if origin is tuple:
        args = get_args(kind)
        return [_write(v, args[0] if args else Any, (), instant) for v in value]
    return value


def from_document(cls: type[T], doc: Mapping[str, Any]) -> T:
    """The fact a stored document holds (see the module text for the rules)."""
    reader = _READERS.get(cls)
    if reader is None:
        reader = _READERS[cls] = _document_reader(cls)
    return cast(T, reader(doc))


# A reader per fact type, made once from its fields: a batch of 1,000 contacts reads thousands of
# facts, and working the rules out again from the type hints for each value was most of the time.
Reader = Callable[[Any], Any]
_READERS: dict[type, Callable[[Mapping[str, Any]], Any]] = {}


def _document_reader(cls: type) -> Callable[[Mapping[str, Any]], Any]:
    plan = [(f.name, f.default, _structured(f.kind), _reader(f.kind, f.optional, f.marks)) for f in _fields(cls)]

    def read(doc: Mapping[str, Any]) -> Any:
        values: dict[str, Any] = {}
        for name, default, structured, reader in plan:
            if default is None:
                values[name] = reader(doc[name])
                continue
            raw = doc.get(name)
            if raw is None or (not raw and structured):
                values[name] = default()
            else:
                values[name] = reader(raw)
        return cls(**values)

    return read


def _structured(kind: Any) -> bool:
    origin = get_origin(kind) or kind
    return kind in (datetime, date, time) or origin in (frozenset, tuple) or (
        isinstance(kind, type) and dataclasses.is_dataclass(kind))


def _reader(kind: Any, optional: bool, marks: tuple[Any, ...]) -> Reader:
    """How a stored value of this kind is read (the rules of the module text)."""
    with_reader = _mark(marks, ReadWith)
    if with_reader is not None:
        return with_reader.read
    read = _plain_reader(kind)
    if not optional:
        return read
    return lambda raw: None if raw is None else read(raw)


def _plain_reader(kind: Any) -> Reader:
    if kind is datetime:
        return read_stored_instant
    if kind is time:
        return time.fromisoformat
    if kind is date:
        return _read_date
    if isinstance(kind, type) and issubclass(kind, Enum):
        return kind
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        return lambda raw: from_document(kind, raw)
    origin = get_origin(kind) or kind
    if origin is frozenset:
        (item,) = get_args(kind) or (Any,)
        read_item = _item_reader(item)
        return lambda raw: frozenset(read_item(v) for v in raw)
    if origin is tuple:
        args = get_args(kind)
        item = args[0] if args else Any
        read_item = _item_reader(item)
        texts = item is str

        def read_tuple(raw: Any) -> tuple[Any, ...]:
            out = tuple(read_item(v) for v in raw)
            if texts and not all(isinstance(v, str) for v in out):
                raise TypeError("expected strings")
            return out

        return read_tuple
    return _as_stored


def _as_stored(raw: Any) -> Any:
    return raw


def _read_date(raw: Any) -> date:
    if not isinstance(raw, str) or len(raw) != 10:
        raise ValueError("a stored date is YYYY-MM-DD")
    return date.fromisoformat(raw)


def _item_reader(kind: Any) -> Reader:
    return _reader(*_unwrap(kind))
