"""Compiling a mapping to SQL: normalise the staged rows, then insert canonical rows.

Everything is set-based: per normaliser (from the model's value types), a lookup of
the distinct raw values of the columns it applies to, normalised in one batch
(`Lookup`, run by `normalize.sql.lookup_query`); then one
``CREATE TEMP TABLE _docket_norm AS SELECT …`` over the staged rows joins the lookups
and keeps only the columns later statements read; then one ``INSERT … SELECT`` per
target fills mentions, things, holdings, events and event parties. A row whose
``__reason`` is set goes to quarantine instead.

The mention columns are a contract (store/tables.sql): person.yaml names the column each
Person property fills (`docket.schema.columns`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import duckdb

from docket.normalize.sql import SQL_SHORTCUTS
from docket.schema import Model, model
from docket.schema.columns import DECLARED
from docket.sources import template
from docket.sources.mapping import (
    PERSON,
    Field,
    SourceMapping,
    ThingSpec,
)
from docket.sources.readers import BAD_BYTES, RAW, REJ, ident, lit, present

NORM = "_docket_norm"
LOOKUP = "_docket_lookup_"  # + normaliser name
THINGS = "_docket_things"

# The Person properties with parts or a check (name, ID number) and those ingest may derive
# from the ID number (birth date, sex) are written by `mentions()` itself; every other
# property fills its one column (person.yaml `column:`) with its scalar value.
# mentions column → the part of the resident-ID normaliser's result that states it when the
# row does not
_FROM_ID = {"birth_date": "birth_date", "sex": "sex"}
# things column → Place / thing property (others go to the JSON `properties`)
_THING_COLUMNS = {"region_code": "regionCode", "latitude": "latitude", "longitude": "longitude"}
# A field's input (i<n>) or normalised value (f<n>) as later statements name it in NORM.
_FIELD_COLUMN = re.compile(r"\b([if][0-9]+)\b")


def lookup_table_name(normalizer: str) -> str:
    """The temp table of a normaliser's lookup ('identifier:au-tfn' → …_identifier_au_tfn)."""
    return LOOKUP + re.sub(r"[^0-9A-Za-z]", "_", normalizer)


# SQL type of an identifier lookup's answer (normalize.identifier.ARROW_TYPE)
IDENTIFIER_TYPE = "STRUCT(number VARCHAR, valid BOOLEAN)"


def _column_order(col: str) -> tuple[int, str]:
    return int(col[1:]), col[0]


def normalizer_types(con: duckdb.DuckDBPyConnection, m: Model | None = None) -> dict[str, str]:
    """The SQL type each installed normaliser returns (by normaliser name)."""
    m = m or model()
    out = {}
    for name in sorted({t.normalizer for t in m.types.values() if t.normalizer}):
        try:
            row = con.execute(f"SELECT typeof(norm_{name}(CAST(NULL AS VARCHAR)))").fetchall()
        except duckdb.Error:
            continue
        out[name] = str(row[0][0])
    return out


def _has(rtype: str | None, part: str) -> bool:
    return bool(rtype) and re.search(rf"[(,]\s*\"?{part}\"?\s", str(rtype)) is not None


@dataclass(frozen=True)
class Lookup:
    """TEMP TABLE `table(k, i, r)`: `query` gives (k, i), r is `i` through normaliser `kind`."""

    kind: str
    query: str
    table: str


@dataclass
class Plan:
    """The SQL for one file, in execution order."""

    norm: list[str | Lookup]
    # rows, rows with a reason, and whether record keys repeat: counted on their 64-bit hashes
    # (far cheaper than on the strings); a collision only runs the exact `dedupe`, which
    # then finds nothing to mark.
    counts: str
    dedupe: str
    quarantine: str
    # after counts and dedupe, before the transaction: what the writes read (things grouped)
    staged: list[str] = field(default_factory=list)
    replace: list[str] = field(default_factory=list)
    inserts: list[tuple[str, str]] = field(default_factory=list)  # (what, sql)


class _Compiler:
    def __init__(
        self,
        m: SourceMapping,
        types: dict[str, str],
        *,
        source: str,
        file: str,
        sha256: str,
        transcoded: bool,
    ) -> None:
        self.m, self.model = m, model()
        self.types = {
            **types,
            **{i.field.normalizer or "": IDENTIFIER_TYPE for i in m.identifiers},
        }
        self.src, self.file, self.sha = lit(source), lit(file), lit(sha256)
        self.transcoded = transcoded
        self.index = {id(f): i for i, f in enumerate(m.fields())}

    # ---- per-field expressions (inner query over RAW) ----
    def _input(self, f: Field) -> str:
        if f.value is not None:
            base = lit(f.value)
        elif len(f.columns) == 1:
            base = present(ident(f.columns[0]))
        else:
            parts = ", ".join(present(ident(c)) for c in f.columns)
            base = f"NULLIF(concat_ws({lit(f.separator)}, {parts}), '')"
        if f.when:
            cond = " AND ".join(
                f"trim({ident(c)}) IN ({', '.join(lit(v) for v in vals)})" for c, vals in f.when
            )
            base = f"CASE WHEN {cond} THEN {base} END"
        return base

    def _normalised(self, f: Field, inp: str) -> str:
        if f.format is not None:
            ts = f"try_strptime({inp}, {lit(f.format)})"
            if f.normalizer == "datetime":
                zoned = "%z" in f.format or "%Z" in f.format
                return ts if zoned else f"timezone({lit(f.timezone)}, {ts})"
            return f"CAST({ts} AS DATE)"
        if f.normalizer is not None:
            return f"norm_{f.normalizer}({inp})"
        if self.model.types[f.type].ftm == "number":
            return f"TRY_CAST(replace({inp}, ',', '') AS DOUBLE)"
        return inp

    def scalar(self, f: Field) -> str:
        """A plain value for `f` (struct normalisers: their `number`, else the input)."""
        i = self.index[id(f)]
        rtype = self.types.get(f.normalizer or "") if f.format is None else None
        if rtype and rtype.startswith("STRUCT"):
            return f"f{i}.number" if _has(rtype, "number") else f"i{i}"
        return f"f{i}"

    # ---- the normalised table ----
    def _when(self, f: Field) -> str | None:
        if not f.when:
            return None
        return " AND ".join(
            f"trim({ident(c)}) IN ({', '.join(lit(v) for v in vals)})" for c, vals in f.when
        )

    def _keyed(self, f: Field) -> bool:
        """True when `f`'s lookup can be keyed by its raw column (one column, a normaliser)."""
        return f.value is None and len(f.columns) == 1 and f.format is None

    def norm(self, used: set[str]) -> list[str | Lookup]:
        """Steps building NORM: one lookup per normaliser, then one SELECT over RAW.

        Each normaliser runs once per distinct value of all the columns it applies to
        (calling and called numbers share one lookup), not once per row. A lookup is keyed
        by the raw column value (k), with the trimmed input (i) and the result (r), so rows
        are neither trimmed nor copied before the join. NORM keeps the field columns in
        `used` (i<n>, f<n>) besides keys, reason and thing ids."""
        # staged: per row from RAW; values: staged joined with the lookups
        staged, values, reasons = [f"{RAW}.__row AS __row"], ["__row", "__rk"], []
        parts = []
        for p in self.m.record_key:
            if isinstance(p, template.Column):
                parts.append(present(ident(p.name)))
            else:
                parts.append(lit(p.text))
        rk = parts[0] if len(parts) == 1 else "(" + " || ".join(parts) + ")"
        staged.append(f"{rk} AS __rk")
        key_cols = ", ".join(template.columns(self.m.record_key))
        reasons.append(
            f"CASE WHEN __rk IS NULL THEN {lit('missing record key (' + key_cols + ')')} END"
        )
        if self.transcoded:
            for k, c in enumerate(self.m.columns()):
                msg = lit(f"undecodable bytes ({self.m.encoding}) in column {c!r}")
                staged.append(f"contains({ident(c)}, {lit(BAD_BYTES)}) AS __bad_{k}")
                values.append(f"__bad_{k}")
                reasons.append(f"CASE WHEN __bad_{k} THEN {msg} END")
        lookups: dict[str, list[Field]] = {}
        for f in self.m.fields():
            if f.format is None and f.normalizer is not None:
                lookups.setdefault(f.normalizer, []).append(f)
        stmts: list[str | Lookup] = []
        keyed: set[str] = set()
        joins: list[str] = []
        for n, fields in lookups.items():
            if all(self._keyed(f) for f in fields):
                keyed.add(n)
                # each field's column, on the rows where its `when` holds
                picks = dict.fromkeys(
                    f"SELECT {ident(f.columns[0])} AS k FROM {RAW}"
                    + (f" WHERE {self._when(f)}" if f.when else "")
                    for f in fields
                )
                union = " UNION ALL ".join(picks)
                # values the normaliser's SQL shortcut answers need no lookup
                short = SQL_SHORTCUTS.get(n)
                skip = f" AND NOT regexp_full_match(k, {lit(short[0])})" if short else ""
                inner = (
                    f"SELECT k, {present('k')} AS i FROM "
                    f"(SELECT DISTINCT k FROM ({union}) WHERE k IS NOT NULL{skip})"
                )
            else:
                union = " UNION ALL ".join(
                    f"SELECT {self._input(f)} AS k FROM {RAW}" for f in fields
                )
                inner = f"SELECT DISTINCT k, k AS i FROM ({union}) WHERE k IS NOT NULL"
            stmts.append(Lookup(n, inner, lookup_table_name(n)))
        for f in self.m.fields():
            i = self.index[id(f)]
            if f.format is None and f.normalizer is not None and f.normalizer in keyed:
                staged.append(f"{ident(f.columns[0])} AS __c{i}")
                cond = self._when(f)
                inp, out = f"j{i}.i", f"j{i}.r"
                short = SQL_SHORTCUTS.get(f.normalizer)
                if short is not None:
                    pattern, answer = short
                    col = ident(f.columns[0])
                    staged.append(f"regexp_full_match({col}, {lit(pattern)}) AS __s{i}")
                    inp = f"CASE WHEN __s{i} THEN __c{i} ELSE {inp} END"
                    out = f"CASE WHEN __s{i} THEN {answer.format(v=f'__c{i}')} ELSE {out} END"
                if cond is not None:
                    staged.append(f"{cond} AS __w{i}")
                    inp, out = (
                        f"CASE WHEN __w{i} THEN {inp} END",
                        f"CASE WHEN __w{i} THEN {out} END",
                    )
                values += [f"{inp} AS i{i}", f"{out} AS f{i}"]
                joins.append(f"LEFT JOIN {lookup_table_name(f.normalizer)} j{i} ON j{i}.k = __c{i}")
            elif f.format is None and f.normalizer is not None:
                staged.append(f"{self._input(f)} AS i{i}")
                values += [f"i{i}", f"j{i}.r AS f{i}"]
                joins.append(f"LEFT JOIN {lookup_table_name(f.normalizer)} j{i} ON j{i}.k = i{i}")
            else:
                staged.append(f"{self._input(f)} AS i{i}")
                values += [f"i{i}", f"{self._normalised(f, f'i{i}')} AS f{i}"]
            if f.on_invalid == "quarantine":
                what = f"bad {self.model.types[f.type].label.lower()} in {', '.join(f.columns)}"
                reasons.append(
                    f"CASE WHEN i{i} IS NOT NULL AND f{i} IS NULL "
                    f"THEN {lit(what + ': ')} || i{i} END"
                )
        outer = ["*"]
        name = self._synthetic_name()
        if name is not None:
            outer += [f"{name} AS __name_in", f"norm_{self._name_normalizer()}({name}) AS __name"]
        for j, t in enumerate(self.m.things):
            key = self.scalar(t.key)
            outer.append(
                f"CASE WHEN {key} IS NOT NULL THEN {lit(t.kind + ':')} || CAST({key} AS VARCHAR) "
                f"END AS __t{j}"
            )
        reason = f"NULLIF(concat_ws('; ', {', '.join(reasons)}), '') AS __reason"
        # Materialise only what the later statements read: every string column stored costs
        # more than computing it (a field stated as delivered is i<n> and f<n> at once).
        keep = ["__row", "__rk", *sorted(used, key=_column_order), "__reason"]
        keep += [f"__t{j}" for j in range(len(self.m.things))]
        if name is not None:
            keep += ["__name_in", "__name"]
        stmts.append(
            f"CREATE TEMP TABLE {NORM} AS SELECT {', '.join(keep)} FROM ("
            f"SELECT {', '.join(outer)}, {reason} "
            f"FROM (SELECT {', '.join(values)} FROM (SELECT {', '.join(staged)} FROM {RAW}) "
            f"{' '.join(joins)}))"
        )
        return stmts

    def _person(self) -> dict[str, Field]:
        return {f.prop: f for f in self.m.person}

    def _synthetic_name(self) -> str | None:
        """'FAMILY/GIVEN' from lastName and firstName, when the mapping has no whole name."""
        p = self._person()
        if "name" in p or "nameLatin" in p or not ("lastName" in p or "firstName" in p):
            return None
        last = f"i{self.index[id(p['lastName'])]}" if "lastName" in p else "NULL"
        first = f"i{self.index[id(p['firstName'])]}" if "firstName" in p else "NULL"
        both = f"{last} || '/' || coalesce({first}, '')"
        return f"CASE WHEN {last} IS NOT NULL THEN {both} ELSE {first} END"

    def _name_normalizer(self) -> str:
        person = self.model.kind("Person")
        return str(self.model.types[person.properties["name"].type].normalizer)

    # ---- inserts ----
    def mentions(self) -> str:
        p = self._person()
        cols: dict[str, str] = {}
        nf = p.get("name") or p.get("nameLatin")
        if nf is not None:
            nin, nval = f"i{self.index[id(nf)]}", f"f{self.index[id(nf)]}"
        elif self._synthetic_name() is not None:
            nin, nval = "__name_in", "__name"
        else:
            nin = nval = ""
        person = self.model.kind("Person").properties
        if nval:
            cols["name_raw"] = nin
            for part, col in person["name"].parts:
                cols[col] = f"{nval}.{part}"
        ident_f = p.get("idNumber")
        id_rtype = self.types.get(ident_f.normalizer or "") if ident_f else None
        id_ok = ""
        id_cols = dict(person["idNumber"].parts)
        if ident_f is not None and _has(id_rtype, "number"):
            fi = f"f{self.index[id(ident_f)]}"
            for id_part, col in id_cols.items():
                if _has(id_rtype, id_part):
                    cols[col] = f"{fi}.{id_part}"
            if _has(id_rtype, "valid"):
                id_ok = fi
        elif ident_f is not None:
            cols[id_cols["number"]] = self.scalar(ident_f)
        for prop in person.values():
            if prop.parts or prop.column is None or prop.name == "name":
                continue
            stated = self.scalar(p[prop.name]) if prop.name in p else None
            # a valid ID number states birth date and sex (parts of its normaliser's result)
            from_id = _FROM_ID.get(prop.column)
            if id_ok and from_id and _has(id_rtype, from_id):
                derived = f"CASE WHEN {id_ok}.valid THEN {id_ok}.{from_id} END"
                cols[prop.column] = f"COALESCE({stated or 'NULL'}, {derived})"
            elif stated is not None:
                cols[prop.column] = stated
        cols.update(self._declared())
        names_sql = ", ".join(cols)
        values = ", ".join(cols.values())
        return (
            "INSERT INTO mentions (mention_id, source, record_key, file_sha256, row_number, "
            f"loaded_at{', ' if cols else ''}{names_sql}) "
            f"SELECT {self.src} || ':' || __rk, {self.src}, __rk, {self.sha}, __row, now()"
            f"{', ' if cols else ''}{values} FROM {NORM} WHERE __reason IS NULL"
        )

    def _declared(self) -> dict[str, str]:
        """The declared identifier columns: the strongest identifier the row has."""
        specs = sorted(self.m.identifiers, key=lambda s: s.strength)
        if not specs:
            return {}
        vals = [f"f{self.index[id(s.field)]}" for s in specs]
        have = [f"{v}.number IS NOT NULL" for v in vals]

        def pick(values: list[str]) -> str:
            whens = " ".join(f"WHEN {h} THEN {v}" for h, v in zip(have, values, strict=True))
            return f"CASE {whens} END"

        return {
            DECLARED["value"]: pick([f"{v}.number" for v in vals]),
            DECLARED["scheme"]: pick([lit(s.scheme) for s in specs]),
            DECLARED["valid"]: pick([f"{v}.valid" for v in vals]),
            DECLARED["strength"]: pick([str(s.strength) for s in specs]),
        }

    def _json(self, fields: list[Field]) -> str:
        if not fields:
            return "NULL"
        args = ", ".join(f"{lit(f.prop)}, {self.scalar(f)}" for f in fields)
        return f"json_object({args})"

    def thing(self, j: int, t: ThingSpec) -> tuple[str, list[tuple[str, str]]]:
        """This file's things of spec `j`, one row per thing id with the first values stated
        (a temporary table, built before the transaction), and the statements writing them:
        new things are inserted; known ones only get what they lack (first statement wins).

        Done as insert-missing plus update-gaps: ON CONFLICT DO UPDATE is slow in DuckDB
        when many keys already exist (accounts named again by every transfer)."""
        kind = self.model.kind(t.kind)
        cols: dict[str, str] = {}
        rest = []
        for f in t.properties:
            target = next((c for c, pr in _THING_COLUMNS.items() if pr == f.prop), None)
            if target is None and (f.prop == "name" or kind.properties[f.prop].ftm == "name"):
                target = "name"
            if target is not None and target not in cols:
                cols[target] = self.scalar(f)
            else:
                rest.append(f)
        if rest:
            cols["properties"] = self._json(rest)
        aggs = "".join(
            f", arg_min({e}, __row) FILTER (WHERE {e} IS NOT NULL) AS {c}" for c, e in cols.items()
        )
        names = ", ".join(["thing_id", "kind", "key", *cols, "source", "record_key"])
        table = f"{THINGS}_{j}"
        grouped = (
            f"CREATE TEMP TABLE {table} AS "
            f"SELECT __t{j} AS thing_id, {lit(t.kind)} AS kind, "
            f"substr(__t{j}, {len(t.kind) + 2}) AS key{aggs}, {self.src} AS source, "
            f"arg_min(__rk, __row) AS record_key FROM {NORM} "
            f"WHERE __reason IS NULL AND __t{j} IS NOT NULL GROUP BY __t{j}"
        )
        # The prefix test changes nothing (equal ids share it) but lets DuckDB skip the row
        # groups of other kinds, and hash only this kind's things.
        insert = (
            f"INSERT INTO things ({names}) SELECT {names} FROM {table} n WHERE NOT EXISTS "
            f"(SELECT 1 FROM things t WHERE starts_with(t.thing_id, {lit(t.kind + ':')}) "
            "AND t.thing_id = n.thing_id)"
        )
        if not cols:
            return grouped, [("things", insert)]
        sets = ", ".join(f"{c} = COALESCE(things.{c}, n.{c})" for c in cols)
        gaps = " OR ".join(f"(things.{c} IS NULL AND n.{c} IS NOT NULL)" for c in cols)
        update = (
            f"UPDATE things SET {sets} FROM {table} n "
            f"WHERE things.thing_id = n.thing_id AND ({gaps})"
        )
        return grouped, [("things", insert), ("", update)]

    def _tid(self, ref: str) -> str:
        j = next(j for j, t in enumerate(self.m.things) if t.id == ref)
        return f"__t{j}"

    def holdings(self) -> list[str]:
        """(mention, thing) stays unique without looking at the table: a mention id is this
        source's and replace() removed the earlier rows of every record key loaded here, so
        only an earlier holding of the same row can repeat a pair."""
        out: list[str] = []
        earlier: list[str] = []
        for h in self.m.holdings:
            t = self._tid(h.asset)
            mid = f"{self.src} || ':' || __rk"
            repeats = "".join(f" AND {t} IS DISTINCT FROM {e}" for e in earlier)
            out.append(
                "INSERT INTO holdings (mention_id, thing_id, relation, source, record_key) "
                f"SELECT {mid}, {t}, {lit(h.relation)}, {self.src}, __rk "
                f"FROM {NORM} WHERE __reason IS NULL AND {t} IS NOT NULL{repeats}"
            )
            earlier.append(t)
        return out

    def _event_id(self, index: int) -> str:
        suffix = "" if index == 0 else f" || {lit('#' + str(index))}"
        return f"{self.src} || ':' || __rk{suffix}"

    def events(self) -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = []
        for e in self.m.events:
            kind = self.model.kind(e.kind)
            times = [n for n, pr in kind.properties.items() if pr.type == "datetime"]
            by_prop = {f.prop: f for f in e.properties}
            start, end = self._times(times, by_prop)
            props = self._json([f for f in e.properties if f.prop not in times[:2]])
            place = self._tid(e.place) if e.place else "NULL"
            eid = self._event_id(e.index)
            out.append(
                (
                    "events",
                    "INSERT INTO events (event_id, kind, start_at, end_at, place_id, properties, "
                    f"source, record_key, file_sha256) SELECT {eid}, {lit(e.kind)}, {start}, "
                    f"{end}, {place}, {props}, {self.src}, __rk, {self.sha} FROM {NORM} "
                    "WHERE __reason IS NULL",
                )
            )
            for role, ref in e.parties:
                if ref == PERSON:
                    mention, thing, cond = f"{self.src} || ':' || __rk", "NULL", ""
                else:
                    mention, thing = "NULL", self._tid(ref)
                    cond = f" AND {thing} IS NOT NULL"
                out.append(
                    (
                        "event_parties",
                        "INSERT INTO event_parties (event_id, role, mention_id, thing_id, source) "
                        f"SELECT {eid}, {lit(role)}, {mention}, {thing}, {self.src} FROM {NORM} "
                        f"WHERE __reason IS NULL{cond}",
                    )
                )
        return out

    def _times(self, times: list[str], by_prop: dict[str, Field]) -> tuple[str, str]:
        vals = []
        for k in range(2):
            t = times[k] if k < len(times) else None
            vals.append(
                f"CAST({self.scalar(by_prop[t])} AS TIMESTAMPTZ)"
                if t is not None and t in by_prop
                else "NULL"
            )
        return vals[0], vals[1]

    def quarantine(self) -> str:
        cols = self.m.columns()
        raw = (
            "CAST(json_object("
            + ", ".join(f"{lit(c)}, r.{ident(c)}" for c in cols)
            + ") AS VARCHAR)"
        )
        return (
            "INSERT INTO quarantine (source, file, row_number, raw, reason, loaded_at) "
            f"SELECT {self.src}, {self.file}, __row, raw, reason, now() FROM {REJ} "
            f"UNION ALL SELECT {self.src}, {self.file}, n.__row, {raw}, n.__reason, now() "
            f"FROM {NORM} n JOIN {RAW} r ON r.__row = n.__row WHERE n.__reason IS NOT NULL"
        )

    def replace(self) -> list[str]:
        keys = f"SELECT __rk FROM {NORM} WHERE __reason IS NULL"
        src = self.src
        return [
            f"DELETE FROM event_parties WHERE source = {src} AND event_id IN "
            f"(SELECT event_id FROM events WHERE source = {src} AND record_key IN ({keys}))",
            f"DELETE FROM events WHERE source = {src} AND record_key IN ({keys})",
            f"DELETE FROM holdings WHERE source = {src} AND record_key IN ({keys})",
            f"DELETE FROM mentions WHERE source = {src} AND record_key IN ({keys})",
        ]


def compile_plan(
    m: SourceMapping,
    types: dict[str, str],
    *,
    source: str,
    file: str,
    sha256: str,
    transcoded: bool,
) -> Plan:
    """The SQL that turns the staged rows of one file into canonical rows."""
    c = _Compiler(m, types, source=source, file=file, sha256=sha256, transcoded=transcoded)
    inserts: list[tuple[str, str]] = []
    if m.person:
        inserts.append(("mentions", c.mentions()))
    staged = []
    for j, t in enumerate(m.things):
        grouped, writes = c.thing(j, t)
        staged.append(grouped)
        inserts += writes
    inserts += [("holdings", s) for s in c.holdings()]
    inserts += c.events()
    reads = [*staged, *(sql for _, sql in inserts)]
    used = {col for sql in reads for col in _FIELD_COLUMN.findall(sql)}
    plan = Plan(
        norm=c.norm(used),
        counts=(
            f"SELECT count(*), count(__reason), count(__rk) FILTER (WHERE __reason IS NULL) - "
            f"count(DISTINCT hash(__rk)) FILTER (WHERE __reason IS NULL) FROM {NORM}"
        ),
        dedupe=(
            f"UPDATE {NORM} SET __reason = 'duplicate record key ' || d.__rk || "
            "' (first at row ' || d.first || ')' FROM (SELECT __row, __rk, "
            "min(__row) OVER (PARTITION BY __rk) AS first, "
            "row_number() OVER (PARTITION BY __rk ORDER BY __row) AS rn "
            f"FROM {NORM} WHERE __reason IS NULL) d "
            f"WHERE {NORM}.__row = d.__row AND d.rn > 1"
        ),
        quarantine=c.quarantine(),
        staged=staged,
        replace=c.replace(),
        inserts=inserts,
    )
    return plan
