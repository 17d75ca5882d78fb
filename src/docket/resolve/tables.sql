-- Entity resolution. Owned by docket.resolve. Applied by docket.store.connect().
-- The resolution tables (entities, entity_mentions, match_evidence, resolve_pairs,
-- resolve_profiles) are replaced as a whole, in one transaction, by each `docket resolve`.
-- judgements, entity_redirects and resolve_models are append-only.

CREATE TABLE IF NOT EXISTS entities (
    entity_id      VARCHAR NOT NULL,     -- 'P' + 12 hex of sha256(anchor); unique
    anchor_kind    VARCHAR NOT NULL,     -- id_number | passport | phone_name | mention
    anchor_value   VARCHAR NOT NULL,
    mention_count  BIGINT NOT NULL,
    resolved_at    TIMESTAMPTZ NOT NULL
);

CREATE TABLE IF NOT EXISTS entity_mentions (
    mention_id  VARCHAR NOT NULL,        -- unique
    entity_id   VARCHAR NOT NULL
);

-- Old entity id → the entity now holding most of its mentions (NULL: all its mentions are gone).
CREATE TABLE IF NOT EXISTS entity_redirects (
    old_id  VARCHAR NOT NULL,
    new_id  VARCHAR,
    "at"    TIMESTAMPTZ NOT NULL,
    reason  VARCHAR NOT NULL             -- merged | split | renamed | removed
);

-- Identical normalised mentions are collapsed into one profile (keyed by its smallest
-- mention_id) before comparison; each mention names its profile and the profile's number
-- (node: its rank by profile_id, from 0, valid until the next resolve).
CREATE TABLE IF NOT EXISTS resolve_profiles (
    mention_id  VARCHAR NOT NULL,        -- unique
    profile_id  VARCHAR NOT NULL,
    node        BIGINT NOT NULL
);

-- Every profile pair the blocking rules generated and the model scored, by profile number
-- (resolve_profiles.node): integers keep the million-person store's tens of millions of
-- pairs cheap to write.
CREATE TABLE IF NOT EXISTS resolve_pairs (
    node_l        BIGINT NOT NULL,       -- node_l < node_r
    node_r        BIGINT NOT NULL,
    match_weight  DOUBLE,                -- NULL when not scored: linked deterministically,
                                         -- or two different confirmed valid ID numbers
    rule          VARCHAR                -- the deterministic rule, when one applied
);

-- One row per link the clustering kept, with its per-comparison contributions.
CREATE TABLE IF NOT EXISTS match_evidence (
    mention_id_l   VARCHAR NOT NULL,
    mention_id_r   VARCHAR NOT NULL,
    stage          VARCHAR NOT NULL,     -- identical | deterministic | probabilistic | judgement
    rule           VARCHAR NOT NULL,     -- the deterministic rule, or the model version
    match_weight   DOUBLE,
    comparisons    STRUCT(comparison VARCHAR, level VARCHAR, weight DOUBLE)[]
);

-- Analyst decisions. Never updated: a later row on the same pair supersedes.
CREATE TABLE IF NOT EXISTS judgements (
    judgement_id  VARCHAR PRIMARY KEY,
    mention_id_l  VARCHAR NOT NULL,      -- mention_id_l < mention_id_r
    mention_id_r  VARCHAR NOT NULL,
    verdict       VARCHAR NOT NULL,      -- same | different
    ref_l         VARCHAR NOT NULL,      -- what the analyst named (mention or entity id)
    ref_r         VARCHAR NOT NULL,
    case_id       VARCHAR,
    note          VARCHAR,
    user_name     VARCHAR,
    "at"          TIMESTAMPTZ NOT NULL,
    status        VARCHAR NOT NULL DEFAULT 'active', -- active | pending (a supervisor must confirm)
    confirmed_by  VARCHAR,
    confirmed_at  TIMESTAMPTZ
);

-- Trained Splink models (settings JSON with m/u). The highest version is used until --retrain.
CREATE TABLE IF NOT EXISTS resolve_models (
    version       INTEGER PRIMARY KEY,
    created_at    TIMESTAMPTZ NOT NULL,
    origin        VARCHAR NOT NULL,      -- trained | default
    profiles      BIGINT NOT NULL,       -- profiles it was trained on
    settings      JSON NOT NULL
);

-- One row per resolve run: what it did and how long each stage took.
CREATE TABLE IF NOT EXISTS resolve_runs (
    run_at        TIMESTAMPTZ NOT NULL,
    mentions      BIGINT NOT NULL,
    profiles      BIGINT NOT NULL,
    comparisons   BIGINT NOT NULL,
    links         BIGINT NOT NULL,
    entities      BIGINT NOT NULL,
    model_version INTEGER,
    prior         DOUBLE,                -- share of profile pairs that match, estimated this run
    stage_seconds JSON NOT NULL
);
