"""Reading the demo's data files into the classes of `specs`.

Each file is a JSON object with a "note" for its reader and one list. Every value is
checked against the type the spec declares, and every reference (a username, a region, a
market, a criterion...) against the file it refers to, so a malformed file is refused
before anything is written, with its name and the key at fault:

    curation/demo/data/businesses.json: businesses[2].products[0].steps[5](score).marks.
    legalty: 'legalty' is not a key in curation/reference_data/rubric-default.json (...)
"""

import dataclasses
import enum
import json
import types
from datetime import date
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Union, get_args, get_origin, get_type_hints

from curation.demo.report import SeedError
from curation.demo.specs import DemoBusiness, DemoOffice, Person, Ref

APP_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(__file__).resolve().parent / "data"


class DemoDataError(SeedError):
    """A demo data file is missing or malformed; the message names the file and the key."""


class _Invalid(Exception):
    def __init__(self, where: str, problem: str):
        super().__init__(f"{where}: {problem}")


@cache
def read_offices() -> tuple[DemoOffice, ...]:
    """The demo's curation offices, from data/offices.json."""
    return _read("offices.json", "offices", tuple[DemoOffice, ...])


@cache
def read_people() -> tuple[Person, ...]:
    """The demo's logins, from data/people.json."""
    return _read("people.json", "people", tuple[Person, ...])


@cache
def read_businesses() -> tuple[DemoBusiness, ...]:
    """The demo's businesses with their products, documents and each application's
    path, from data/businesses.json."""
    return _read("businesses.json", "businesses", tuple[DemoBusiness, ...])


def _read(name: str, items: str, kind):
    path = DATA_DIR / name
    shown = _shown(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise DemoDataError(f"{shown}: cannot be read: {e}") from e
    try:
        if not isinstance(data, dict) or items not in data:
            raise _Invalid("the file", f'must be an object with a "note" and a list "{items}"')
        if unknown := data.keys() - {"note", items}:
            raise _Invalid(sorted(unknown)[0], "is not a known key")
        return _build(kind, data[items], items)
    except _Invalid as e:
        raise DemoDataError(f"{shown}: {e}") from None


def _build(kind, raw: Any, where: str):
    """`raw`, as json.loads gave it, made a value of the type `kind`; `where` says where
    it is in the file, for the error."""
    origin = get_origin(kind)
    if origin is Annotated:
        kind, *extras = get_args(kind)
        value = _build(kind, raw, where)
        for ref in extras:
            if isinstance(ref, Ref) and value not in _keys(ref):
                known = ", ".join(sorted(_keys(ref)))
                file = _shown(APP_DIR / ref.file)
                raise _Invalid(where, f"{value!r} is not a {ref.key} in {file} ({known})")
        return value
    if origin in (Union, types.UnionType):
        options = [option for option in get_args(kind) if option is not type(None)]
        if raw is None and len(options) < len(get_args(kind)):
            return None
        if len(options) == 1:
            return _build(options[0], raw, where)
        return _build_step(options, raw, where)  # the one union of classes: a Step
    if dataclasses.is_dataclass(kind):
        return _build_record(kind, raw, where)
    if origin is tuple:
        _expect(raw, list, where, "a list")
        args = get_args(kind)
        if len(args) == 2 and args[1] is Ellipsis:
            args = (args[0],) * len(raw)
        elif len(raw) != len(args):
            raise _Invalid(where, f"must be a list of {len(args)} values, not {len(raw)}")
        return tuple(
            _build(arg, item, f"{where}[{i}]")
            for i, (arg, item) in enumerate(zip(args, raw, strict=True))
        )
    if origin is dict:
        _expect(raw, dict, where, "an object")
        key_kind, value_kind = get_args(kind)
        return {
            _build(key_kind, key, f"{where}.{key}"): _build(value_kind, value, f"{where}.{key}")
            for key, value in raw.items()
        }
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        try:
            return kind(raw)
        except ValueError:
            known = ", ".join(str(member.value) for member in kind)
            raise _Invalid(where, f"{raw!r} is not one of {known}") from None
    if kind is date:
        _expect(raw, str, where, "a date (YYYY-MM-DD)")
        try:
            return date.fromisoformat(raw)
        except ValueError:
            raise _Invalid(where, f"{raw!r} is not a date (YYYY-MM-DD)") from None
    if kind is int:
        # bool is an int to Python, not to a reader of the file.
        _expect(raw, int, where, "a whole number", refuse=bool)
        return raw
    if kind in (str, bool):
        _expect(raw, kind, where, {str: "text", bool: "true or false"}[kind])
        return raw
    raise TypeError(f"The demo loader cannot build a {kind!r} ({where}).")


def _build_record(cls, raw: Any, where: str):
    _expect(raw, dict, where, "an object")
    fields = {f.name: f for f in dataclasses.fields(cls)}
    if unknown := sorted(raw.keys() - fields.keys()):
        raise _Invalid(f"{where}.{unknown[0]}", f"is not one of the fields {', '.join(fields)}")
    required = (
        name
        for name, f in fields.items()
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    )
    if missing := [name for name in required if name not in raw]:
        raise _Invalid(where, f"needs {', '.join(missing)}")
    hints = get_type_hints(cls, include_extras=True)
    return cls(
        **{name: _build(hints[name], value, f"{where}.{name}") for name, value in raw.items()}
    )


def _build_step(options, raw: Any, where: str):
    """One of the step classes, chosen by the object's "step" key."""
    _expect(raw, dict, where, "an object")
    steps = {option.step: option for option in options}
    name = raw.get("step")
    if name not in steps:
        raise _Invalid(f"{where}.step", f"{name!r} is not one of {', '.join(steps)}")
    fields = {key: value for key, value in raw.items() if key != "step"}
    return _build_record(steps[name], fields, f"{where}({name})")


def _expect(raw: Any, kind: type, where: str, wanted: str, *, refuse: type | None = None):
    if not isinstance(raw, kind) or (refuse is not None and isinstance(raw, refuse)):
        raise _Invalid(where, f"must be {wanted}, not {json.dumps(raw, ensure_ascii=False)}")


def _shown(path: Path) -> Path:
    """The path from the project's folder, as a reader of the error would look for it."""
    return path.relative_to(APP_DIR.parent) if path.is_relative_to(APP_DIR.parent) else path


@cache
def _keys(ref: Ref) -> frozenset:
    """The values `ref` allows: every item's key in the file it names."""
    data = json.loads((APP_DIR / ref.file).read_text(encoding="utf-8"))
    return frozenset(item[ref.key] for item in data[ref.items])
