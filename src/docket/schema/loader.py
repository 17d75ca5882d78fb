"""Load and validate the canonical model (YAML files in docket/schema/model/).

The model is data: kinds, their properties and value types, identifiers and their
strength, the edges events and relations imply, and the special categories Docket
never stores. A malformed file raises ModelError naming the file and the key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from docket.errors import ModelError

MODEL_DIR = Path(__file__).parent / "model"
_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9]*$")
_PERSON_FILE = "person.yaml"
_THINGS_FILE = "things.yaml"
_EVENTS_FILE = "events.yaml"
_RELATIONS_FILE = "relations.yaml"
_TYPES_FILE = "types.yaml"
_SPECIAL_FILE = "special_categories.yaml"


@dataclass(frozen=True)
class ValueType:
    name: str
    label: str
    normalizer: str | None
    ftm: str | None


@dataclass(frozen=True)
class Property:
    name: str
    type: str
    label: str
    ftm: str  # the FollowTheMoney property name (same as `name` unless renamed)
    # Person properties: the `mentions` column holding the value (the matching key for a
    # structured value such as a name), the columns of each part of a structured value,
    # the column saying whether the value passed its check, and whether resolve compares it
    column: str | None = None
    parts: tuple[tuple[str, str], ...] = ()  # (normaliser part, mentions column)
    valid: str | None = None
    compared: bool = True

    def columns(self) -> tuple[str, ...]:
        """Every mentions column this property fills, in declaration order."""
        out = dict.fromkeys([*([self.column] if self.column else []), *(c for _, c in self.parts)])
        if self.valid:
            out.setdefault(self.valid)
        return tuple(out)


@dataclass(frozen=True)
class Identifier:
    strength: int  # 1 is strongest
    properties: tuple[str, ...]


@dataclass(frozen=True)
class Party:
    role: str
    kinds: tuple[str, ...]
    label: str
    ftm: str


@dataclass(frozen=True)
class Condition:
    """A test on a property of two events: `same` (equal) or `adjacent` (seats: same row)."""

    test: str
    prop: str


@dataclass(frozen=True)
class Edge:
    source: str  # a party role
    target: str  # a party role
    label: str
    directed: bool
    weight: float = 1.0
    between: str | None = None  # a role: the edge joins its parties in two `together` events
    when_any: tuple[Condition, ...] = ()  # for `between` edges: at least one must hold
    stronger: tuple[Condition, float] | None = None  # weight times factor when it holds


@dataclass(frozen=True)
class Whereabouts:
    """Where a party of an event was: `place` (a role) at the first of `at` that is set."""

    party: str
    place: str
    at: tuple[str, ...]
    until: tuple[str, ...] = ()


@dataclass(frozen=True)
class Together:
    """When the parties in role `party` of two events of a kind were at one place together."""

    party: str
    same: tuple[str, ...]  # properties, `PROP.date`, or place roles: all equal
    overlap: tuple[str, str] | None = None  # [start, end) properties whose intervals overlap
    within_window: bool = False  # start times within the query's window


@dataclass(frozen=True)
class Kind:
    name: str
    group: str  # "entity" | "thing" | "event" | "relation"
    label: str
    ftm: str
    properties: dict[str, Property] = field(default_factory=dict)
    identifiers: tuple[Identifier, ...] = ()
    key: str | None = None
    parent: str | None = None  # for sub-kinds (Hotel → Place)
    parties: dict[str, Party] = field(default_factory=dict)
    edges: tuple[Edge, ...] = ()
    whereabouts: tuple[Whereabouts, ...] = ()
    together: Together | None = None
    shared: Edge | None = None  # relations: between two holders of one asset


@dataclass(frozen=True)
class SpecialCategory:
    name: str
    label: str
    terms: tuple[str, ...]


@dataclass(frozen=True)
class Model:
    types: dict[str, ValueType]
    kinds: dict[str, Kind]
    special_categories: dict[str, SpecialCategory]

    def kind(self, name: str) -> Kind:
        try:
            return self.kinds[name]
        except KeyError:
            known = ", ".join(sorted(self.kinds))
            raise KeyError(f"unknown kind {name!r}; known kinds: {known}") from None

    def of_group(self, group: str) -> list[Kind]:
        return [k for k in self.kinds.values() if k.group == group]

    def is_a(self, kind: str, ancestor: str) -> bool:
        """True if `kind` is `ancestor` or one of its sub-kinds."""
        k: Kind | None = self.kinds.get(kind)
        while k is not None:
            if k.name == ancestor:
                return True
            k = self.kinds.get(k.parent) if k.parent else None
        return False

    def special_category_of(self, name: str) -> SpecialCategory | None:
        """The special category a column, property or parameter name refers to, if any.

        Matches whole words of the name (split on non-letters and camelCase) and,
        for Chinese terms, substrings.
        """
        return special_category_of(self, name)


def _words(name: str) -> set[str]:
    spaced = re.sub(r"([a-z])([A-Z])", r"\1 \2", name)
    parts = [p for p in re.split(r"[^0-9A-Za-z\u4e00-\u9fff]+", spaced.lower()) if p]
    words = set(parts)
    words.update("_".join(parts[i : i + 2]) for i in range(len(parts) - 1))
    words.add("_".join(parts))
    return words


def special_category_of(model: Model, name: str) -> SpecialCategory | None:
    words = _words(name)
    lowered = name.lower()
    for cat in model.special_categories.values():
        for term in cat.terms:
            if term.isascii():
                if term in words:
                    return cat
            elif term in lowered:
                return cat
    return None


def _read(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ModelError(path, "(file)", "model file is missing") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else "(file)"
        raise ModelError(path, where, f"not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise ModelError(path, "(top level)", "expected a mapping of names to definitions")
    return data


def _mapping(path: Path, key: str, value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ModelError(path, key, f"expected a mapping, got {type(value).__name__}")
    return value


def _require(path: Path, key: str, body: dict[str, Any], name: str) -> Any:
    if name not in body:
        raise ModelError(path, f"{key}.{name}", "required key is missing")
    return body[name]


def _check_name(path: Path, key: str, name: Any) -> str:
    if not isinstance(name, str) or not _NAME.match(name):
        raise ModelError(path, key, f"{name!r} is not a valid name (letters and digits)")
    return name


def _properties(path: Path, key: str, raw: Any, types: dict[str, ValueType]) -> dict[str, Property]:
    props: dict[str, Property] = {}
    for pname, pbody in _mapping(path, key, raw or {}).items():
        pkey = f"{key}.{_check_name(path, key, pname)}"
        pbody = _mapping(path, pkey, pbody)
        ptype = _require(path, pkey, pbody, "type")
        if ptype not in types:
            raise ModelError(
                path, f"{pkey}.type", f"unknown type {ptype!r}; known: {', '.join(sorted(types))}"
            )
        column = pbody.get("column")
        parts = _mapping(path, f"{pkey}.parts", pbody.get("parts") or {})
        for part, col in parts.items():
            _check_column(path, f"{pkey}.parts.{part}", col)
        if column is not None:
            _check_column(path, f"{pkey}.column", column)
        valid = pbody.get("valid")
        if valid is not None:
            _check_column(path, f"{pkey}.valid", valid)
        props[pname] = Property(
            pname,
            ptype,
            str(pbody.get("label", pname)),
            str(pbody.get("ftm", pname)),
            column=column,
            parts=tuple((str(k), str(v)) for k, v in parts.items()),
            valid=valid,
            compared=bool(pbody.get("compared", True)),
        )
    return props


_COLUMN = re.compile(r"^[a-z][a-z0-9_]*$")


def _check_column(path: Path, key: str, name: Any) -> str:
    if not isinstance(name, str) or not _COLUMN.match(name):
        raise ModelError(path, key, f"{name!r} is not a column name (lower case, digits, _)")
    return name


def _parties(path: Path, key: str, raw: Any) -> dict[str, Party]:
    parties: dict[str, Party] = {}
    for role, body in _mapping(path, key, raw or {}).items():
        rkey = f"{key}.{role}"
        body = _mapping(path, rkey, body)
        kinds = _require(path, rkey, body, "kinds")
        if not isinstance(kinds, list) or not kinds:
            raise ModelError(path, f"{rkey}.kinds", "expected a non-empty list of kinds")
        parties[role] = Party(
            role, tuple(kinds), str(body.get("label", role)), str(body.get("ftm", role))
        )
    return parties


def _edge(path: Path, key: str, raw: Any, parties: dict[str, Party]) -> Edge:
    body = _mapping(path, key, raw)
    between = body.get("between")
    ends = ("between",) if between is not None else ("source", "target")
    for end in ends:
        _role(path, f"{key}.{end}", _require(path, key, body, end), parties)
    weight = body.get("weight", 1.0)
    if not isinstance(weight, int | float) or weight <= 0:
        raise ModelError(path, f"{key}.weight", "expected a positive number")
    when_any = tuple(
        _condition(path, f"{key}.when_any[{i}]", c)
        for i, c in enumerate(body.get("when_any") or [])
    )
    stronger = None
    if "stronger" in body:
        sbody = _mapping(path, f"{key}.stronger", body["stronger"])
        factor = _require(path, f"{key}.stronger", sbody, "factor")
        if not isinstance(factor, int | float) or factor <= 0:
            raise ModelError(path, f"{key}.stronger.factor", "expected a positive number")
        when = _require(path, f"{key}.stronger", sbody, "when")
        stronger = (_condition(path, f"{key}.stronger.when", when), float(factor))
    if between is None and (when_any or stronger):
        raise ModelError(path, key, "when_any and stronger apply to `between` edges only")
    return Edge(
        str(between if between is not None else body["source"]),
        str(between if between is not None else body["target"]),
        str(_require(path, key, body, "label")),
        bool(body.get("directed", between is None)),
        float(weight),
        None if between is None else str(between),
        when_any,
        stronger,
    )


def _role(path: Path, key: str, role: Any, parties: dict[str, Party]) -> str:
    if role not in parties:
        raise ModelError(path, key, f"{role!r} is not a party; parties: {', '.join(parties)}")
    return str(role)


def _condition(path: Path, key: str, raw: Any) -> Condition:
    words = str(raw).split()
    if len(words) != 2 or words[0] not in ("same", "adjacent"):
        raise ModelError(path, key, f"{raw!r}: expected 'same PROPERTY' or 'adjacent PROPERTY'")
    return Condition(words[0], words[1])


def _strings(path: Path, key: str, raw: Any) -> tuple[str, ...]:
    if not isinstance(raw, list) or not all(isinstance(x, str) for x in raw):
        raise ModelError(path, key, "expected a list of names")
    return tuple(raw)


def _whereabouts(path: Path, key: str, raw: Any, kind: Kind) -> tuple[Whereabouts, ...]:
    out = []
    for i, w in enumerate(raw or []):
        wkey = f"{key}[{i}]"
        body = _mapping(path, wkey, w)
        party = _role(path, f"{wkey}.party", _require(path, wkey, body, "party"), kind.parties)
        place = _role(path, f"{wkey}.place", _require(path, wkey, body, "place"), kind.parties)
        at = _strings(path, f"{wkey}.at", _require(path, wkey, body, "at"))
        until = _strings(path, f"{wkey}.until", body.get("until", []))
        for prop in (*at, *until):
            if prop not in kind.properties:
                raise ModelError(path, wkey, f"{prop!r} is not a property of {kind.name}")
        out.append(Whereabouts(party, place, at, until))
    return tuple(out)


def _together(path: Path, key: str, raw: Any, kind: Kind) -> Together | None:
    if raw is None:
        return None
    body = _mapping(path, key, raw)
    party = _role(path, f"{key}.party", _require(path, key, body, "party"), kind.parties)
    same = _strings(path, f"{key}.same", body.get("same", []))
    for item in same:
        if item not in kind.parties and item.removesuffix(".date") not in kind.properties:
            raise ModelError(path, f"{key}.same", f"{item!r} is neither a party nor a property")
    overlap = None
    if "overlap" in body:
        ends = _strings(path, f"{key}.overlap", body["overlap"])
        if len(ends) != 2 or any(e not in kind.properties for e in ends):
            raise ModelError(path, f"{key}.overlap", "expected [START, END] properties")
        overlap = (ends[0], ends[1])
    within = body.get("within")
    if within not in (None, "window"):
        raise ModelError(path, f"{key}.within", "the only value is `window`")
    return Together(party, same, overlap, within == "window")


def load_model(directory: Path | str = MODEL_DIR) -> Model:
    """Read and validate every model file in `directory`. Raises ModelError."""
    d = Path(directory)
    tpath = d / _TYPES_FILE
    types: dict[str, ValueType] = {}
    for tname, tbody in _mapping(tpath, "types", _read(tpath).get("types")).items():
        tbody = _mapping(tpath, f"types.{tname}", tbody)
        types[tname] = ValueType(
            tname, str(tbody.get("label", tname)), tbody.get("normalizer"), tbody.get("ftm")
        )

    kinds: dict[str, Kind] = {}

    ppath = d / _PERSON_FILE
    for name, body in _read(ppath).items():
        body = _mapping(ppath, name, body)
        props = _properties(ppath, f"{name}.properties", body.get("properties"), types)
        idents = []
        for i, ident in enumerate(body.get("identifiers") or []):
            ikey = f"{name}.identifiers[{i}]"
            ident = _mapping(ppath, ikey, ident)
            strength = _require(ppath, ikey, ident, "strength")
            if not isinstance(strength, int) or strength < 1:
                raise ModelError(ppath, f"{ikey}.strength", "expected a positive integer")
            for prop in _require(ppath, ikey, ident, "properties"):
                if prop not in props:
                    raise ModelError(ppath, f"{ikey}.properties", f"unknown property {prop!r}")
            idents.append(Identifier(strength, tuple(ident["properties"])))
        kinds[name] = Kind(
            _check_name(ppath, name, name),
            "entity",
            str(body.get("label", name)),
            str(body.get("ftm", name)),
            props,
            tuple(sorted(idents, key=lambda x: x.strength)),
        )

    thpath = d / _THINGS_FILE
    for name, body in _read(thpath).items():
        body = _mapping(thpath, name, body)
        props = _properties(thpath, f"{name}.properties", body.get("properties"), types)
        key = body.get("key")
        if key is not None and key not in props:
            raise ModelError(thpath, f"{name}.key", f"{key!r} is not a property of {name}")
        kinds[name] = Kind(
            _check_name(thpath, name, name),
            "thing",
            str(body.get("label", name)),
            str(body.get("ftm", name)),
            props,
            key=key,
        )
        for sub, sbody in _mapping(thpath, f"{name}.subkinds", body.get("subkinds") or {}).items():
            sbody = _mapping(thpath, f"{name}.subkinds.{sub}", sbody or {})
            kinds[sub] = Kind(
                _check_name(thpath, f"{name}.subkinds", sub),
                "thing",
                str(sbody.get("label", sub)),
                str(sbody.get("ftm", kinds[name].ftm)),
                props,
                key=key,
                parent=name,
            )

    for fname, group in ((_EVENTS_FILE, "event"), (_RELATIONS_FILE, "relation")):
        epath = d / fname
        for name, body in _read(epath).items():
            body = _mapping(epath, name, body)
            props = _properties(epath, f"{name}.properties", body.get("properties"), types)
            parties = _parties(
                epath,
                f"{name}.{'parties' if group == 'event' else 'roles'}",
                body.get("parties" if group == "event" else "roles"),
            )
            raw_edges = body.get("edges") if group == "event" else [body.get("edge")]
            edges = tuple(
                _edge(epath, f"{name}.edges[{i}]", e, parties)
                for i, e in enumerate(raw_edges or [])
                if e is not None
            )
            shared = None
            if body.get("shared") is not None:
                sbody = _mapping(epath, f"{name}.shared", body["shared"])
                shared = Edge(
                    "",
                    "",
                    str(_require(epath, f"{name}.shared", sbody, "label")),
                    bool(sbody.get("directed", False)),
                    float(sbody.get("weight", 1.0)),
                )
            kind = Kind(
                _check_name(epath, name, name),
                group,
                str(body.get("label", name)),
                str(body.get("ftm", name)),
                props,
                parties=parties,
                edges=edges,
                shared=shared,
            )
            kinds[name] = replace(
                kind,
                whereabouts=_whereabouts(
                    epath, f"{name}.whereabouts", body.get("whereabouts"), kind
                ),
                together=_together(epath, f"{name}.together", body.get("together"), kind),
            )

    for kind in kinds.values():
        for party in kind.parties.values():
            for pk in party.kinds:
                if pk not in kinds:
                    raise ModelError(
                        d / (_EVENTS_FILE if kind.group == "event" else _RELATIONS_FILE),
                        f"{kind.name}.{party.role}.kinds",
                        f"unknown kind {pk!r}",
                    )

    spath = d / _SPECIAL_FILE
    specials: dict[str, SpecialCategory] = {}
    raw_special = _read(spath).get("special_categories")
    for cname, cbody in _mapping(spath, "special_categories", raw_special).items():
        ckey = f"special_categories.{cname}"
        cbody = _mapping(spath, ckey, cbody)
        terms = _require(spath, ckey, cbody, "terms")
        if not isinstance(terms, list) or not terms:
            raise ModelError(spath, f"{ckey}.terms", "expected a non-empty list of terms")
        specials[cname] = SpecialCategory(
            cname, str(cbody.get("label", cname)), tuple(str(t).lower() for t in terms)
        )
    if not specials:
        raise ModelError(spath, "special_categories", "no special categories declared")
    return Model(types, kinds, specials)


@cache
def model() -> Model:
    """The packaged model, loaded once."""
    return load_model(MODEL_DIR)
