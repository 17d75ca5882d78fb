-- The canonical store: what sources become once mapped. Owned by docket.sources (ingest).
-- Every table carries `source` and `record_key` so that purge and audit can trace
-- a row to the file and record it came from.

CREATE TABLE IF NOT EXISTS sources (
    source            VARCHAR NOT NULL,   -- mapping name, e.g. 'hotel_checkins'
    file              VARCHAR NOT NULL,   -- path as given
    sha256            VARCHAR NOT NULL,
    mapping_file      VARCHAR NOT NULL,
    rows_read         BIGINT NOT NULL,
    rows_stored       BIGINT NOT NULL,
    rows_quarantined  BIGINT NOT NULL,
    loaded_at         TIMESTAMPTZ NOT NULL,
    retention_days    INTEGER,            -- NULL: kept until purged by hand
    legal_basis       VARCHAR,
    PRIMARY KEY (source, sha256)
);

CREATE TABLE IF NOT EXISTS quarantine (
    source      VARCHAR NOT NULL,
    file        VARCHAR NOT NULL,
    row_number  BIGINT NOT NULL,          -- 1-based data row in the file (header excluded)
    raw         VARCHAR,                  -- the raw row as read (JSON object or line text)
    reason      VARCHAR NOT NULL,
    loaded_at   TIMESTAMPTZ NOT NULL
);

-- No PRIMARY KEY on mentions, things, holdings, events: ingest keeps their keys unique
-- (record keys deduplicated per file, replaced per source, things inserted when missing) and
-- the ART index upkeep made bulk inserts and commits several times slower.

-- One row per person-mention in any record. Normalised columns are NULL when absent or invalid.
CREATE TABLE IF NOT EXISTS mentions (
    mention_id     VARCHAR NOT NULL,     -- '<source>:<record_key>', unique
    source         VARCHAR NOT NULL,
    record_key     VARCHAR NOT NULL,
    file_sha256    VARCHAR NOT NULL,
    row_number     BIGINT,
    name_raw       VARCHAR,              -- as delivered
    name_hanzi     VARCHAR,              -- simplified Hanzi, no spaces ('张伟'); NULL for Latin-only names
    name_pinyin    VARCHAR,              -- tone-less syllables, family first, space separated ('zhang wei'); Latin names: casefolded tokens in given order
    family_name    VARCHAR,              -- pinyin / latin family name when known ('zhang')
    given_name     VARCHAR,              -- pinyin / latin given name(s) when known ('wei')
    name_key       VARCHAR,              -- order-insensitive key: sorted syllables joined ('weizhang')
    initials       VARCHAR,              -- family then given initials ('zw')
    birth_date     DATE,
    sex            VARCHAR,              -- 'M' | 'F'
    id_number      VARCHAR,              -- resident identity number as delivered, cleaned (18 chars, may be invalid)
    id_valid       BOOLEAN,              -- GB 11643 check digit and date valid
    passport       VARCHAR,
    phone          VARCHAR,              -- E.164
    email          VARCHAR,
    address        VARCHAR,              -- one line, as delivered (trimmed)
    region_code    VARCHAR,              -- GB/T 2260, 2/4/6 digits
    nationality    VARCHAR,
    loaded_at      TIMESTAMPTZ NOT NULL,
    -- schema version 4 (store/migrations.py):
    street         VARCHAR,              -- address parts as the mapping gives them (trimmed)
    house_number   VARCHAR,
    locality       VARCHAR,
    postal_code    VARCHAR,
    region         VARCHAR,
    identifier     VARCHAR,              -- the strongest identifier the mapping declares (compact form)
    identifier_scheme   VARCHAR,         -- its scheme ('au-tfn', 'iban', or the mapping's own name)
    identifier_valid    BOOLEAN,         -- python-stdnum's check; NULL for a scheme it does not know
    identifier_strength INTEGER          -- its strength (1 strongest), from the mapping
);

-- Phones, accounts, vehicles, social accounts, places. One row per thing (deduplicated on thing_id).
CREATE TABLE IF NOT EXISTS things (
    thing_id    VARCHAR NOT NULL,        -- unique; '<Kind>:<normalised key>', e.g. 'Phone:+8613812345678'
    kind        VARCHAR NOT NULL,        -- a thing kind of the model (Hotel, CellTower, …)
    key         VARCHAR NOT NULL,
    name        VARCHAR,
    region_code VARCHAR,
    latitude    DOUBLE,
    longitude   DOUBLE,
    properties  JSON,                    -- other mapped properties
    source      VARCHAR NOT NULL,        -- first source that stated it
    record_key  VARCHAR NOT NULL
);

-- A source record stating that a person-mention holds a thing (subscriber → phone, holder → account).
CREATE TABLE IF NOT EXISTS holdings (
    mention_id  VARCHAR NOT NULL,
    thing_id    VARCHAR NOT NULL,
    relation    VARCHAR NOT NULL,        -- a relation kind of the model ('Holding')
    source      VARCHAR NOT NULL,
    record_key  VARCHAR NOT NULL         -- (mention_id, thing_id) unique
);

CREATE TABLE IF NOT EXISTS events (
    event_id    VARCHAR NOT NULL,        -- '<source>:<record_key>', unique
    kind        VARCHAR NOT NULL,        -- an event kind of the model
    start_at    TIMESTAMPTZ,
    end_at      TIMESTAMPTZ,
    place_id    VARCHAR,                 -- thing_id of the place, when the event has one
    properties  JSON,
    source      VARCHAR NOT NULL,
    record_key  VARCHAR NOT NULL,
    file_sha256 VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS event_parties (
    event_id    VARCHAR NOT NULL,
    role        VARCHAR NOT NULL,        -- a party role of the event kind
    mention_id  VARCHAR,                 -- set when the party is a person-mention
    thing_id    VARCHAR,                 -- set when the party is a thing
    source      VARCHAR NOT NULL
);
