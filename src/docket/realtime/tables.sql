-- Real time: intake batches processed, alerts raised, where a case's alerts are posted.
-- Owned by docket.realtime. An intake batch is a `sources` row whose file is 'intake:…'
-- (committed with its records); it is processed once: `realtime_done` names it.

CREATE TABLE IF NOT EXISTS realtime_done (
    source      VARCHAR NOT NULL,
    sha256      VARCHAR NOT NULL,
    done_at     TIMESTAMPTZ NOT NULL,
    mentions    BIGINT NOT NULL,          -- person mentions resolved
    alerts      BIGINT NOT NULL,          -- alerts raised
    PRIMARY KEY (source, sha256)
);

CREATE TABLE IF NOT EXISTS alerts (
    alert_id     VARCHAR PRIMARY KEY,     -- 'A-' + 16 hex
    kind         VARCHAR NOT NULL,        -- check-in | booking | arrival | sighting
    entry_id     VARCHAR NOT NULL,        -- the watchlist entry
    case_id      VARCHAR NOT NULL,
    warrant_ref  VARCHAR NOT NULL,
    entity_id    VARCHAR,                 -- the person, when resolved
    mention_id   VARCHAR,                 -- the record's person mention (or the vehicle's holder)
    event_id     VARCHAR NOT NULL,        -- '<source>:<record_key>'
    source       VARCHAR NOT NULL,
    record_key   VARCHAR NOT NULL,
    place_id     VARCHAR,                 -- the hotel, the destination, the camera
    event_at     TIMESTAMPTZ,             -- when it happened (check-in, departure, sighting)
    evidence     JSON NOT NULL,           -- how it matched, and with what confidence
    confidence   DOUBLE NOT NULL,
    received_at  TIMESTAMPTZ NOT NULL,    -- when its batch was acknowledged
    created_at   TIMESTAMPTZ NOT NULL,
    UNIQUE (entry_id, event_id, kind)
);

CREATE TABLE IF NOT EXISTS case_webhooks (
    case_id  VARCHAR PRIMARY KEY,
    url      VARCHAR NOT NULL,
    set_by   VARCHAR NOT NULL,
    set_at   TIMESTAMPTZ NOT NULL
);
