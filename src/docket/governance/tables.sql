-- Accountability: users, sessions, cases, watchlist and the audit trail. Owned by docket.governance.

CREATE TABLE IF NOT EXISTS users (
    name           VARCHAR PRIMARY KEY,
    role           VARCHAR NOT NULL,          -- analyst | supervisor | auditor | admin
    password_hash  VARCHAR NOT NULL,          -- argon2id
    disabled       BOOLEAN NOT NULL DEFAULT false,
    failed_logins  INTEGER NOT NULL DEFAULT 0, -- consecutive failures since the last success
    locked_until   TIMESTAMPTZ,
    created_at     TIMESTAMPTZ NOT NULL,
    created_by     VARCHAR
);

-- Login sessions (bearer tokens); only the token's SHA-256 is stored.
CREATE TABLE IF NOT EXISTS sessions (
    token_hash  VARCHAR PRIMARY KEY,
    user_name   VARCHAR NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    expires_at  TIMESTAMPTZ NOT NULL,
    revoked_at  TIMESTAMPTZ,
    client      VARCHAR                   -- where the token was issued (local:host, http:addr)
);

CREATE TABLE IF NOT EXISTS cases (
    case_id         VARCHAR PRIMARY KEY,      -- 'C-0001'
    title           VARCHAR NOT NULL,
    basis_category  VARCHAR NOT NULL,         -- criminal-investigation | missing-person | fraud | …
    basis_ref       VARCHAR NOT NULL,         -- warrant, court order or statute reference
    status          VARCHAR NOT NULL,         -- pending | open | closed
    opened_by       VARCHAR NOT NULL,
    opened_at       TIMESTAMPTZ NOT NULL,
    approved_by     VARCHAR,
    approved_at     TIMESTAMPTZ,
    review_date     DATE NOT NULL,
    closed_by       VARCHAR,
    closed_at       TIMESTAMPTZ
);

CREATE TABLE IF NOT EXISTS case_members (
    case_id    VARCHAR NOT NULL,
    user_name  VARCHAR NOT NULL,
    added_by   VARCHAR NOT NULL,
    added_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (case_id, user_name)
);

-- People linked to a case, with their data-subject category (LED Art. 6).
CREATE TABLE IF NOT EXISTS case_subjects (
    case_id    VARCHAR NOT NULL,
    entity_id  VARCHAR NOT NULL,              -- as linked; follow entity_redirects for the current id
    category   VARCHAR NOT NULL,              -- suspect | witness | victim | other
    linked_by  VARCHAR NOT NULL,
    linked_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (case_id, entity_id)
);

-- A legal hold keeps the data of the case's subjects from purge while the case is open.
CREATE TABLE IF NOT EXISTS legal_holds (
    case_id      VARCHAR NOT NULL,
    reason       VARCHAR NOT NULL,
    set_by       VARCHAR NOT NULL,
    set_at       TIMESTAMPTZ NOT NULL,
    released_by  VARCHAR,
    released_at  TIMESTAMPTZ
);

CREATE TABLE IF NOT EXISTS watchlist (
    entry_id     VARCHAR PRIMARY KEY,         -- 'W-0001'
    case_id      VARCHAR NOT NULL,
    entity_id    VARCHAR,                     -- set when the person is already an entity
    criteria     VARCHAR,                     -- JSON object of mention fields → values otherwise
    warrant_ref  VARCHAR NOT NULL,
    authority    VARCHAR NOT NULL,
    created_by   VARCHAR NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    expires_at   TIMESTAMPTZ NOT NULL,
    approved_by  VARCHAR,
    approved_at  TIMESTAMPTZ
);

-- Append-only and hash-chained: hash = sha256(canonical JSON of the row incl. prev_hash).
-- No code path updates or deletes rows; `docket audit verify` recomputes the chain.
CREATE TABLE IF NOT EXISTS audit_log (
    seq            BIGINT NOT NULL,
    logged_at      TIMESTAMPTZ NOT NULL,
    user_name      VARCHAR,
    role           VARCHAR,
    case_id        VARCHAR,
    justification  VARCHAR,
    action         VARCHAR NOT NULL,          -- e.g. 'export.mentions', 'ingest', 'auth.login'
    category       VARCHAR NOT NULL,          -- consultation | disclosure | collection | …
    objects        VARCHAR NOT NULL,          -- JSON list of object ids (entity, mention, case …)
    params         VARCHAR NOT NULL,          -- JSON object of query parameters
    result_count   BIGINT,
    client         VARCHAR NOT NULL,
    outcome        VARCHAR NOT NULL,          -- ok | refused | failed
    detail         VARCHAR,                   -- why it was refused or failed
    prev_hash      VARCHAR NOT NULL,
    hash           VARCHAR NOT NULL
);

-- The newest (seq, hash) of the trail, so that deleting its last rows is noticed too.
CREATE TABLE IF NOT EXISTS audit_head (
    seq   BIGINT NOT NULL,
    hash  VARCHAR NOT NULL
);
