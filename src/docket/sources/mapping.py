"""Source mappings: one YAML file per source, validated against the canonical model.

A mapping names the files it recognises, how to read them, the record key, and
what each row yields: at most one person mention, things, holdings and events.
Every problem raises MappingError naming the file and the key. A mapping that
names a special-category column or property is refused outright.
"""

from __future__ import annotations

import dataclasses
import fnmatch
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from docket.errors import MappingError
from docket.schema import Model, model
from docket.sources import template

FORMATS = ("csv", "tsv", "jsonl", "json", "parquet", "xml")
PERSON = "person"  # the party / holder reference for the row's person mention
_TOP_KEYS = {
    "name",
    "description",
    "files",
    "format",
    "encoding",
    "delimiter",
    "quote",
    "header",
    "columns",
    "xml_record",
    "retention_days",
    "legal_basis",
    "record_key",
    "person",
    "identifiers",
    "things",
    "holdings",
    "events",
}
_FIELD_KEYS = {
    "column",
    "value",
    "separator",
    "when",
    "format",
    "normalizer",
    "on_invalid",
    "timezone",
}


@dataclass(frozen=True)
class Field:
    """One property filled from a column (or a constant), with its normaliser."""

    key: str  # where in the mapping, for messages: "person.birthDate"
    prop: str
    type: str
    columns: tuple[str, ...]  # joined with `separator` when several; empty when `value`
    separator: str
    value: str | None
    when: tuple[tuple[str, tuple[str, ...]], ...]  # (column, accepted values): all must hold
    format: str | None
    normalizer: str | None  # None: stored as delivered (trimmed)
    on_invalid: str  # "quarantine" | "null"
    timezone: str


@dataclass(frozen=True)
class IdentifierSpec:
    """An identifier of the row's person declared with its scheme (`identifiers:`)."""

    scheme: str  # python-stdnum's name ('au-tfn', 'iban') or the mapping's own
    strength: int  # 1 strongest; compared with person.yaml's identifiers for entity ids
    field: Field  # normaliser 'identifier:<scheme>'


IDENTIFIER_NORMALIZER = "identifier:"


@dataclass(frozen=True)
class ThingSpec:
    id: str
    kind: str
    key: Field
    properties: tuple[Field, ...]


@dataclass(frozen=True)
class HoldingSpec:
    asset: str  # a ThingSpec id
    relation: str


@dataclass(frozen=True)
class EventSpec:
    index: int
    kind: str
    properties: tuple[Field, ...]
    place: str | None  # a ThingSpec id
    parties: tuple[tuple[str, str], ...]  # (role, "person" | ThingSpec id)


@dataclass(frozen=True)
class SourceMapping:
    name: str
    file: str
    description: str
    patterns: tuple[str, ...]
    format: str
    encoding: str
    delimiter: str
    quote: str
    header: bool
    column_names: tuple[str, ...]  # when header is false
    xml_record: str | None
    retention_days: int | None
    legal_basis: str | None
    record_key: tuple[template.Part, ...]
    person: tuple[Field, ...]
    identifiers: tuple[IdentifierSpec, ...]
    things: tuple[ThingSpec, ...]
    holdings: tuple[HoldingSpec, ...]
    events: tuple[EventSpec, ...]

    def matches(self, path: Path | str) -> bool:
        """True if the file's name matches one of this mapping's patterns."""
        name = Path(path).name
        return any(fnmatch.fnmatch(name, p) for p in self.patterns)

    def fields(self) -> list[Field]:
        out = [*self.person, *(i.field for i in self.identifiers)]
        for t in self.things:
            out += [t.key, *t.properties]
        for e in self.events:
            out += e.properties
        return out

    def columns(self) -> list[str]:
        """Every source column the mapping reads, in first-use order (nothing else is read)."""
        seen: dict[str, None] = dict.fromkeys(template.columns(self.record_key))
        for f in self.fields():
            for c in (*f.columns, *(w[0] for w in f.when)):
                seen.setdefault(c)
        return list(seen)


def _fail(file: str, key: str, problem: str) -> MappingError:
    return MappingError(file, key, problem)


def _str(file: str, key: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _fail(file, key, f"expected a non-empty string, got {value!r}")
    return value


def _dict(file: str, key: str, value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _fail(file, key, f"expected a mapping, got {type(value).__name__}")
    return value


def _check_special(m: Model, file: str, key: str, name: str, what: str) -> None:
    cat = m.special_category_of(name)
    if cat is not None:
        raise MappingError(
            file,
            key,
            f"{what} {name!r} is special-category data ({cat.label}); "
            "Docket never stores it, so nothing from this source is ingested",
            hint=f"remove {name!r} from the mapping; unmapped columns are never read",
        )


def _field(m: Model, file: str, key: str, prop: str, ptype: str, raw: Any) -> Field:
    _check_special(m, file, key, prop, "property")
    if isinstance(raw, str):
        raw = {"column": raw}
    body = _dict(file, key, raw)
    unknown = set(body) - _FIELD_KEYS
    if unknown:
        raise _fail(
            file, f"{key}.{sorted(unknown)[0]}", f"unknown key; allowed: {sorted(_FIELD_KEYS)}"
        )
    column = body.get("column")
    value = body.get("value")
    if (column is None) == (value is None):
        raise _fail(file, key, "give exactly one of `column` (a source column) or `value`")
    columns = column if isinstance(column, list) else [] if column is None else [column]
    columns = [_str(file, f"{key}.column", c) for c in columns]
    for c in columns:
        _check_special(m, file, f"{key}.column", c, "column")
    when = []
    for wcol, wval in _dict(file, f"{key}.when", body.get("when") or {}).items():
        _check_special(m, file, f"{key}.when", str(wcol), "column")
        values = wval if isinstance(wval, list) else [wval]
        when.append((str(wcol), tuple(str(v) for v in values)))
    vtype = m.types[ptype]
    known = sorted({t.normalizer for t in m.types.values() if t.normalizer})
    normalizer = body.get("normalizer", vtype.normalizer)
    if normalizer == "none":
        normalizer = None
    if normalizer is not None and normalizer not in known:
        raise _fail(
            file, f"{key}.normalizer", f"unknown normaliser {normalizer!r}; known: {known} or none"
        )
    fmt = body.get("format")
    if fmt is not None and vtype.ftm != "date":
        raise _fail(file, f"{key}.format", f"a format hint applies to dates only, not {ptype!r}")
    strict = vtype.ftm in ("date", "number")
    on_invalid = body.get("on_invalid", "quarantine" if strict else "null")
    if on_invalid not in ("quarantine", "null"):
        raise _fail(file, f"{key}.on_invalid", "expected 'quarantine' or 'null'")
    return Field(
        key,
        prop,
        ptype,
        tuple(columns),
        str(body.get("separator", " ")),
        None if value is None else str(value),
        tuple(when),
        None if fmt is None else str(fmt),
        normalizer,
        on_invalid,
        str(body.get("timezone", "Asia/Shanghai")),
    )


def _fields(m: Model, file: str, key: str, kind: str, raw: Any) -> tuple[Field, ...]:
    props = m.kind(kind).properties
    out = []
    for prop, spec in _dict(file, key, raw or {}).items():
        pkey = f"{key}.{prop}"
        _check_special(m, file, pkey, str(prop), "property")
        if prop not in props:
            raise _fail(
                file, pkey, f"unknown property of {kind}; known: {', '.join(sorted(props))}"
            )
        out.append(_field(m, file, pkey, prop, props[prop].type, spec))
    return tuple(out)


def _identifiers(m: Model, file: str, raw: Any) -> tuple[IdentifierSpec, ...]:
    """`identifiers: [{column: soc_sec_id, scheme: au-tfn, strength: 2}, …]`."""
    from docket.normalize.identifier import check_scheme

    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise _fail(file, "identifiers", "expected a list of {column, scheme, strength}")
    out = []
    for i, body in enumerate(raw):
        key = f"identifiers[{i}]"
        body = _dict(file, key, body)
        unknown = set(body) - {"column", "scheme", "strength", "when"}
        if unknown:
            allowed = "column, scheme, strength, when"
            raise _fail(file, f"{key}.{sorted(unknown)[0]}", f"unknown key; allowed: {allowed}")
        scheme = _str(file, f"{key}.scheme", body.get("scheme"))
        problem = check_scheme(scheme)
        if problem:
            raise _fail(file, f"{key}.scheme", f"{scheme!r}: {problem}")
        _check_special(m, file, f"{key}.scheme", scheme, "scheme")
        strength = body.get("strength", 2)
        if not isinstance(strength, int) or isinstance(strength, bool) or strength < 1:
            raise _fail(file, f"{key}.strength", "expected a positive integer (1 is strongest)")
        spec = {k: v for k, v in body.items() if k in ("column", "when")}
        if "column" not in spec:
            raise _fail(file, f"{key}.column", "required: the column holding the identifier")
        f = _field(m, file, key, "identifier", "string", spec)
        f = dataclasses.replace(f, normalizer=IDENTIFIER_NORMALIZER + scheme)
        out.append(IdentifierSpec(scheme, strength, f))
    return tuple(out)


def _kind(m: Model, file: str, key: str, raw: Any, group: str) -> str:
    name = _str(file, key, raw)
    known = sorted(k.name for k in m.of_group(group))
    if name not in known:
        raise _fail(file, key, f"unknown {group} kind {name!r}; known: {', '.join(known)}")
    return name


def _things(m: Model, file: str, raw: Any) -> tuple[ThingSpec, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise _fail(file, "things", "expected a list of things")
    out: list[ThingSpec] = []
    for i, body in enumerate(raw):
        key = f"things[{i}]"
        body = _dict(file, key, body)
        unknown = set(body) - {"id", "kind", "key", "properties"}
        if unknown:
            raise _fail(file, f"{key}.{sorted(unknown)[0]}", "unknown key")
        kind = _kind(m, file, f"{key}.kind", body.get("kind"), "thing")
        tid = str(body.get("id", kind.lower()))
        _check_special(m, file, f"{key}.id", tid, "thing id")
        if tid == PERSON or any(t.id == tid for t in out):
            raise _fail(file, f"{key}.id", f"thing id {tid!r} is already used; give each an id")
        kprop = m.kind(kind).key
        if kprop is None or "key" not in body:
            raise _fail(file, f"{key}.key", "required: the column holding the thing's key")
        kfield = _field(
            m, file, f"{key}.key", kprop, m.kind(kind).properties[kprop].type, body["key"]
        )
        props = _fields(m, file, f"{key}.properties", kind, body.get("properties"))
        out.append(ThingSpec(tid, kind, kfield, props))
    return tuple(out)


def _ref(
    m: Model, file: str, key: str, raw: Any, kinds: tuple[str, ...], things: Sequence[ThingSpec]
) -> str:
    ref = _str(file, key, raw)
    if ref == PERSON:
        if "Person" not in kinds:
            raise _fail(file, key, f"this role takes {', '.join(kinds)}, not a person")
        return ref
    thing = next((t for t in things if t.id == ref), None)
    if thing is None:
        ids = [PERSON, *(t.id for t in things)]
        raise _fail(file, key, f"unknown reference {ref!r}; known: {', '.join(ids)}")
    if not any(m.is_a(thing.kind, k) for k in kinds):
        raise _fail(file, key, f"{ref!r} is a {thing.kind}; this role takes {', '.join(kinds)}")
    return ref


def parse_mapping(data: Any, file: str, m: Model | None = None) -> SourceMapping:
    """Validate one mapping document. Raises MappingError naming `file` and the key."""
    m = m or model()
    body = _dict(file, "(top level)", data)
    unknown = set(body) - _TOP_KEYS
    if unknown:
        k = sorted(unknown)[0]
        _check_special(m, file, k, k, "key")
        raise _fail(file, k, f"unknown key; allowed: {', '.join(sorted(_TOP_KEYS))}")
    if "name" not in body:
        raise _fail(file, "name", "required key is missing")
    name = _str(file, "name", body["name"])
    fmt = body.get("format", "csv")
    if fmt not in FORMATS:
        raise _fail(file, "format", f"unknown format {fmt!r}; known: {', '.join(FORMATS)}")
    patterns = body.get("files", [f"{name}.*"])
    if isinstance(patterns, str):
        patterns = [patterns]
    if not isinstance(patterns, list) or not all(isinstance(p, str) for p in patterns):
        raise _fail(file, "files", "expected a list of file-name patterns")
    if "record_key" not in body:
        raise _fail(file, "record_key", "required key is missing: the column(s) naming a row")
    try:
        record_key = template.parse(_str(file, "record_key", body["record_key"]))
    except ValueError as exc:
        raise _fail(file, "record_key", str(exc)) from None
    for col in template.columns(record_key):
        _check_special(m, file, "record_key", col, "column")
    column_names = tuple(str(c) for c in body.get("columns") or ())
    header = bool(body.get("header", True))
    if not header and fmt in ("csv", "tsv") and not column_names:
        raise _fail(file, "columns", "header: false needs `columns`, the names in file order")
    for c in column_names:
        _check_special(m, file, "columns", c, "column")
    if fmt == "xml" and not body.get("xml_record"):
        raise _fail(file, "xml_record", "xml needs `xml_record`: the element holding one record")
    retention = body.get("retention_days")
    if retention is not None and (not isinstance(retention, int) or retention < 1):
        raise _fail(file, "retention_days", "expected a positive number of days")
    person = _fields(m, file, "person", "Person", body.get("person"))
    identifiers = _identifiers(m, file, body.get("identifiers"))
    if identifiers and not person:
        raise _fail(file, "identifiers", "identifiers belong to the row's person: add `person`")
    things = _things(m, file, body.get("things"))
    holdings = []
    for i, h in enumerate(body.get("holdings") or []):
        key = f"holdings[{i}]"
        h = _dict(file, key, h)
        relation = _kind(m, file, f"{key}.relation", h.get("relation", "Holding"), "relation")
        rel = m.kind(relation)
        roles = list(rel.parties.values())
        if not person:
            raise _fail(file, key, "a holding needs a person section: the row's person holds it")
        asset = _ref(m, file, f"{key}.asset", h.get("asset"), roles[-1].kinds, things)
        holdings.append(HoldingSpec(asset, relation))
    events = []
    for i, e in enumerate(body.get("events") or []):
        key = f"events[{i}]"
        e = _dict(file, key, e)
        unknown = set(e) - {"kind", "properties", "place", "parties"}
        if unknown:
            raise _fail(file, f"{key}.{sorted(unknown)[0]}", "unknown key")
        kind = _kind(m, file, f"{key}.kind", e.get("kind"), "event")
        props = _fields(m, file, f"{key}.properties", kind, e.get("properties"))
        parties = []
        kparties = m.kind(kind).parties
        for role, ref in _dict(file, f"{key}.parties", e.get("parties") or {}).items():
            rkey = f"{key}.parties.{role}"
            if role not in kparties:
                raise _fail(file, rkey, f"unknown role of {kind}; roles: {', '.join(kparties)}")
            if ref == PERSON and not person:
                raise _fail(file, rkey, "refers to the person, but the mapping has no `person`")
            parties.append((str(role), _ref(m, file, rkey, ref, kparties[role].kinds, things)))
        place = e.get("place")
        if place is not None:
            place = _ref(m, file, f"{key}.place", place, ("Place",), things)
        events.append(EventSpec(i, kind, props, place, tuple(parties)))
    delimiter = str(body.get("delimiter", "\t" if fmt == "tsv" else ","))
    return SourceMapping(
        name=name,
        file=file,
        description=str(body.get("description", "")),
        patterns=tuple(patterns),
        format=fmt,
        encoding=str(body.get("encoding", "utf-8")).lower(),
        delimiter=delimiter,
        quote=str(body.get("quote", '"')),
        header=header,
        column_names=column_names,
        xml_record=body.get("xml_record"),
        retention_days=retention,
        legal_basis=None if body.get("legal_basis") is None else str(body["legal_basis"]),
        record_key=record_key,
        person=person,
        identifiers=identifiers,
        things=things,
        holdings=tuple(holdings),
        events=tuple(events),
    )


def load_mapping(path: Path | str) -> SourceMapping:
    """Read and validate a mapping file. Raises MappingError."""
    p = Path(path)
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise MappingError(p, "(file)", "mapping file not found") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else "(file)"
        raise MappingError(p, where, f"not valid YAML: {exc}") from None
    return parse_mapping(data, str(p))


def shipped_mappings() -> list[SourceMapping]:
    """The mappings that ship with Docket (one per synthetic source), sorted by name."""
    root = resources.files("docket.sources") / "mappings"
    out = []
    for entry in sorted(root.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".yaml"):
            out.append(load_mapping(Path(str(entry))))
    return out
