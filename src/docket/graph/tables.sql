-- The relationship graph and movement layer. Owned by docket.graph; derived from the canonical
-- store and the resolution by `docket resolve` (rebuilt) and by new events (updated in place).
-- Every row names the records it comes from ('<source>:<record_key>'), so that drill-down,
-- audit and purge can trace it.

-- Reads find rows by number: `*_no` columns are md5_number_upper() of the id (the first 8
-- bytes of its MD5, little-endian), so that a rebuild and an update number a node alike and
-- a lookup decodes integers, not the strings of a whole row group.

-- Every entity, and every thing that is a node of an edge, sorted by number: where a read
-- checks that the entity it starts from exists.
CREATE TABLE IF NOT EXISTS graph_nodes (
    node_no      UBIGINT NOT NULL,
    node         VARCHAR NOT NULL,
    kind         VARCHAR NOT NULL         -- 'Person' or the thing's kind
);

-- One row per edge and end: an edge a → b is listed under a (direction 'out') and under b
-- ('in'); an undirected edge under each end ('both'). Rows are sorted by node number, so that
-- one node's edges are a short read.
CREATE TABLE IF NOT EXISTS graph_edges (
    node_no      UBIGINT NOT NULL,
    other_no     UBIGINT NOT NULL,
    node         VARCHAR NOT NULL,        -- entity id, or thing id for a thing no one holds
    other        VARCHAR NOT NULL,
    node_kind    VARCHAR NOT NULL,        -- 'Person' or the thing's kind (Hotel, Phone …)
    other_kind   VARCHAR NOT NULL,
    kind         VARCHAR NOT NULL,        -- an edge label of the model: called, paid, holds …
    direction    VARCHAR NOT NULL,        -- out | in | both
    count        BIGINT NOT NULL,         -- occurrences (calls, transfers, shared trips …)
    first_at     TIMESTAMPTZ,             -- NULL for standing relations (holds)
    last_at      TIMESTAMPTZ,
    weight       DOUBLE NOT NULL,         -- sum of the occurrences' weights (model `weight`,
                                          -- `stronger` factors, split between shared holders)
    shared       BOOLEAN NOT NULL,        -- through a thing several entities hold
    event_ids    VARCHAR[] NOT NULL,      -- the underlying records, by time then id
    event_times  TIMESTAMPTZ[] NOT NULL   -- their times, in the same order (NULL: no time)
);

-- Where each entity was, and when: one row per whereabouts declaration of an event it took
-- part in (directly, or through a phone or vehicle it holds). Sorted by (entity_no, start_at).
CREATE TABLE IF NOT EXISTS graph_whereabouts (
    entity_no    UBIGINT NOT NULL,
    entity_id    VARCHAR NOT NULL,
    start_at     TIMESTAMPTZ NOT NULL,
    end_at       TIMESTAMPTZ,
    place_id     VARCHAR NOT NULL,
    place_kind   VARCHAR NOT NULL,
    place_name   VARCHAR,
    region_code  VARCHAR,
    latitude     DOUBLE,                  -- the place's own, else its region's centre
    longitude    DOUBLE,
    event_id     VARCHAR NOT NULL,
    event_kind   VARCHAR NOT NULL,
    role         VARCHAR NOT NULL,        -- the place's role in the event (origin, tower …)
    via          VARCHAR,                 -- the held thing that places them there, if any
    spot         VARCHAR                  -- the event's `together` key (NULL: kind has none)
);

-- The same presences keyed for co-location: one row per (event, entity) of a kind with a
-- `together` rule, sorted by (spot_no, start_at), so that everyone at one spot is a short read.
CREATE TABLE IF NOT EXISTS graph_spots (
    spot_no      UBIGINT NOT NULL,
    spot         VARCHAR NOT NULL,        -- '<Kind>|<values of the rule's `same`>'
    start_at     TIMESTAMPTZ NOT NULL,
    end_at       TIMESTAMPTZ,
    entity_id    VARCHAR NOT NULL,
    event_id     VARCHAR NOT NULL,
    event_kind   VARCHAR NOT NULL,
    test         VARCHAR NOT NULL,        -- overlap | window | same
    detail       VARCHAR                  -- the event's distinguishing detail (room, seat)
);

-- One row per build or update: what it did.
CREATE TABLE IF NOT EXISTS graph_builds (
    built_at     TIMESTAMPTZ NOT NULL,
    mode         VARCHAR NOT NULL,        -- rebuild | update
    nodes        BIGINT NOT NULL,         -- update: the nodes whose edges were recomputed
    edges        JSON NOT NULL,           -- kind → edges
    seconds      DOUBLE NOT NULL
);
