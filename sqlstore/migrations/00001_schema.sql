-- kycd's tables, shared by SQLite and PostgreSQL: the same statements run on both so the two
-- databases cannot drift. Timestamps are BIGINT unix microseconds (UTC), JSON is TEXT, ids are
-- TEXT (kyc.NewID: time-sortable). Optional strings are NOT NULL DEFAULT '' so that scanning never
-- meets NULL; only optional timestamps are nullable.

-- +goose Up
CREATE TABLE applicants (
    id          TEXT PRIMARY KEY,
    external_id TEXT NOT NULL UNIQUE,
    level       TEXT NOT NULL,
    profile     TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);

CREATE TABLE level_states (
    applicant_id  TEXT NOT NULL REFERENCES applicants (id),
    level         TEXT NOT NULL,
    status        TEXT NOT NULL,
    submission_id TEXT NOT NULL DEFAULT '',
    review_due_at BIGINT,
    updated_at    BIGINT NOT NULL,
    PRIMARY KEY (applicant_id, level)
);

CREATE TABLE drafts (
    applicant_id TEXT NOT NULL REFERENCES applicants (id),
    step         TEXT NOT NULL,
    identity     TEXT NOT NULL DEFAULT 'null',
    challenge_id TEXT NOT NULL DEFAULT '',
    updated_at   BIGINT NOT NULL,
    PRIMARY KEY (applicant_id, step)
);

CREATE TABLE files (
    id               TEXT PRIMARY KEY,
    applicant_id     TEXT NOT NULL REFERENCES applicants (id),
    step             TEXT NOT NULL DEFAULT '',
    side             TEXT NOT NULL DEFAULT '',
    idx              INTEGER NOT NULL DEFAULT 0,
    attempt_id       TEXT NOT NULL DEFAULT '',
    case_id          TEXT NOT NULL DEFAULT '',
    content_type     TEXT NOT NULL DEFAULT '',
    size             BIGINT NOT NULL DEFAULT 0,
    sha256           TEXT NOT NULL DEFAULT '',
    width            INTEGER NOT NULL DEFAULT 0,
    height           INTEGER NOT NULL DEFAULT 0,
    blob_key         TEXT NOT NULL DEFAULT '',
    blob_wrapped_key TEXT NOT NULL DEFAULT '',
    blob_key_id      TEXT NOT NULL DEFAULT '',
    captured_at      BIGINT,
    reasons          TEXT NOT NULL DEFAULT 'null',
    created_at       BIGINT NOT NULL
);
CREATE INDEX files_applicant ON files (applicant_id, step, side);
CREATE INDEX files_attempt ON files (attempt_id);
CREATE INDEX files_case ON files (case_id);

CREATE TABLE challenges (
    id           TEXT PRIMARY KEY,
    applicant_id TEXT NOT NULL REFERENCES applicants (id),
    nonce        TEXT NOT NULL UNIQUE,
    actions      TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL,
    used_at      BIGINT
);

CREATE TABLE submissions (
    id             TEXT PRIMARY KEY,
    applicant_id   TEXT NOT NULL REFERENCES applicants (id),
    level          TEXT NOT NULL,
    steps          TEXT NOT NULL,
    status         TEXT NOT NULL,
    outcome        TEXT NOT NULL DEFAULT '',
    reasons        TEXT NOT NULL DEFAULT 'null',
    policy_version TEXT NOT NULL DEFAULT '',
    result         TEXT NOT NULL DEFAULT 'null',
    created_at     BIGINT NOT NULL,
    decided_at     BIGINT
);
CREATE INDEX submissions_applicant ON submissions (applicant_id, created_at);

CREATE TABLE attempts (
    id             TEXT PRIMARY KEY,
    applicant_id   TEXT NOT NULL REFERENCES applicants (id),
    submission_id  TEXT NOT NULL DEFAULT '',
    step           TEXT NOT NULL,
    number         INTEGER NOT NULL,
    status         TEXT NOT NULL,
    identity       TEXT NOT NULL DEFAULT 'null',
    challenge_id   TEXT NOT NULL DEFAULT '',
    profile        TEXT NOT NULL DEFAULT 'null',
    doc_expires_at TEXT NOT NULL DEFAULT '',
    reasons        TEXT NOT NULL DEFAULT 'null',
    created_at     BIGINT NOT NULL,
    decided_at     BIGINT,
    -- Two submissions racing for the same step cannot both create attempt number n.
    UNIQUE (applicant_id, step, number)
);
CREATE INDEX attempts_expiry ON attempts (step, status, doc_expires_at);

CREATE TABLE cases (
    id             TEXT PRIMARY KEY,
    applicant_id   TEXT NOT NULL REFERENCES applicants (id),
    level          TEXT NOT NULL,
    submission_id  TEXT NOT NULL DEFAULT '',
    kind           TEXT NOT NULL,
    status         TEXT NOT NULL,
    due_at         BIGINT NOT NULL,
    overdue        INTEGER NOT NULL DEFAULT 0,
    claimed_by     TEXT NOT NULL DEFAULT '',
    appeal_message TEXT NOT NULL DEFAULT '',
    reasons        TEXT NOT NULL DEFAULT 'null',
    proposed       TEXT NOT NULL DEFAULT 'null',
    decision       TEXT NOT NULL DEFAULT 'null',
    created_at     BIGINT NOT NULL,
    closed_at      BIGINT
);
CREATE INDEX cases_queue ON cases (status, due_at, created_at);
CREATE INDEX cases_applicant ON cases (applicant_id);

-- The reason codes of each case, kept in step with cases.reasons, for the queue's code filter.
CREATE TABLE case_codes (
    case_id TEXT NOT NULL REFERENCES cases (id),
    code    TEXT NOT NULL,
    PRIMARY KEY (case_id, code)
);
CREATE INDEX case_codes_code ON case_codes (code);

CREATE TABLE events (
    id           TEXT PRIMARY KEY,
    type         TEXT NOT NULL,
    applicant_id TEXT NOT NULL DEFAULT '',
    external_id  TEXT NOT NULL DEFAULT '',
    data         TEXT NOT NULL DEFAULT 'null',
    created_at   BIGINT NOT NULL
);

CREATE TABLE endpoints (
    id          TEXT PRIMARY KEY,
    url         TEXT NOT NULL,
    secret      TEXT NOT NULL,
    event_types TEXT NOT NULL DEFAULT 'null',
    created_at  BIGINT NOT NULL,
    disabled_at BIGINT
);

CREATE TABLE deliveries (
    id           TEXT PRIMARY KEY,
    endpoint_id  TEXT NOT NULL REFERENCES endpoints (id),
    event_id     TEXT NOT NULL,
    status       TEXT NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    last_code    INTEGER NOT NULL DEFAULT 0,
    last_error   TEXT NOT NULL DEFAULT '',
    created_at   BIGINT NOT NULL,
    delivered_at BIGINT
);
CREATE INDEX deliveries_endpoint ON deliveries (endpoint_id, created_at);

CREATE TABLE delivery_attempts (
    delivery_id TEXT NOT NULL REFERENCES deliveries (id),
    n           INTEGER NOT NULL,
    at          BIGINT NOT NULL,
    status_code INTEGER NOT NULL DEFAULT 0,
    error       TEXT NOT NULL DEFAULT '',
    duration_ms BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (delivery_id, n)
);

CREATE TABLE api_keys (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    prefix     TEXT NOT NULL,
    hash       TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
);

CREATE TABLE staff (
    id            TEXT PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL DEFAULT '',
    role          TEXT NOT NULL,
    password_hash TEXT NOT NULL DEFAULT '',
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until  BIGINT,
    created_at    BIGINT NOT NULL,
    disabled_at   BIGINT
);

-- The head of the audit chain: one row, updated in the transaction of every append. On
-- PostgreSQL the UPDATE's row lock serialises concurrent appenders.
CREATE TABLE audit_head (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    seq  BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '');

CREATE TABLE audit_log (
    seq          BIGINT PRIMARY KEY,
    id           TEXT NOT NULL UNIQUE,
    at           BIGINT NOT NULL,
    actor_type   TEXT NOT NULL,
    actor_id     TEXT NOT NULL DEFAULT '',
    action       TEXT NOT NULL,
    applicant_id TEXT NOT NULL DEFAULT '',
    subject      TEXT NOT NULL DEFAULT '',
    detail       TEXT NOT NULL DEFAULT 'null',
    prev_hash    TEXT NOT NULL,
    hash         TEXT NOT NULL
);
CREATE INDEX audit_log_applicant ON audit_log (applicant_id, seq);

-- +goose Down
DROP TABLE audit_log;
DROP TABLE audit_head;
DROP TABLE staff;
DROP TABLE api_keys;
DROP TABLE delivery_attempts;
DROP TABLE deliveries;
DROP TABLE endpoints;
DROP TABLE events;
DROP TABLE case_codes;
DROP TABLE cases;
DROP TABLE attempts;
DROP TABLE submissions;
DROP TABLE challenges;
DROP TABLE files;
DROP TABLE drafts;
DROP TABLE level_states;
DROP TABLE applicants;
