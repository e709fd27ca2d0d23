-- The tables of the first versioned release. Every statement is IF NOT EXISTS / OR IGNORE: a database made
-- before versioned migrations first gets the columns it lacks (sqlite_schema.LEGACY_COLUMNS), then this.
CREATE TABLE IF NOT EXISTS submissions (
    id TEXT PRIMARY KEY,
    reference TEXT NOT NULL UNIQUE,
    form_id TEXT NOT NULL,
    form_version TEXT NOT NULL,
    schema_hash TEXT NOT NULL,
    agency TEXT NOT NULL,
    data TEXT NOT NULL,
    data_sha256 TEXT NOT NULL,
    received_at TEXT NOT NULL,
    language TEXT NOT NULL,
    receipt_token TEXT NOT NULL UNIQUE,
    metadata TEXT NOT NULL DEFAULT '{}',
    -- commit order, the read API's cursor: counted up in the committing transaction, never reused
    seq INTEGER
);
CREATE INDEX IF NOT EXISTS submissions_form ON submissions (form_id, received_at);
CREATE UNIQUE INDEX IF NOT EXISTS submissions_seq ON submissions (seq);
CREATE INDEX IF NOT EXISTS submissions_agency_seq ON submissions (agency, seq);
CREATE INDEX IF NOT EXISTS submissions_form_seq ON submissions (form_id, seq);

CREATE TABLE IF NOT EXISTS attachments (
    id TEXT PRIMARY KEY,
    submission_id TEXT REFERENCES submissions (id),
    name TEXT NOT NULL,
    media_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    content BLOB NOT NULL,
    uploaded_at TEXT NOT NULL,
    -- who holds an unclaimed upload: a draft's id or a one-page form's upload key
    draft_id TEXT
);
CREATE INDEX IF NOT EXISTS attachments_submission ON attachments (submission_id);

CREATE TABLE IF NOT EXISTS drafts (
    id TEXT PRIMARY KEY,
    token TEXT NOT NULL UNIQUE,
    code TEXT UNIQUE,
    form_id TEXT NOT NULL,
    language TEXT NOT NULL,
    data TEXT NOT NULL,
    done TEXT NOT NULL,
    prefilled TEXT NOT NULL,
    locked TEXT NOT NULL,
    csrf TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    days INTEGER NOT NULL,
    submission_id TEXT REFERENCES submissions (id),
    handover TEXT,
    handed_over_at TEXT
);
CREATE INDEX IF NOT EXISTS drafts_expiry ON drafts (expires_at);
CREATE UNIQUE INDEX IF NOT EXISTS drafts_handover ON drafts (handover);

CREATE TABLE IF NOT EXISTS api_keys (
    id TEXT PRIMARY KEY,
    agency TEXT NOT NULL,
    name TEXT NOT NULL,
    sha256 TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    revoked_at TEXT
);

CREATE TABLE IF NOT EXISTS reference_counters (
    agency TEXT NOT NULL,
    year INTEGER NOT NULL,
    last INTEGER NOT NULL,
    PRIMARY KEY (agency, year)
);

-- `submissions`: the last `seq` handed out, counted up in the committing transaction
CREATE TABLE IF NOT EXISTS counters (
    name TEXT PRIMARY KEY,
    last INTEGER NOT NULL
);
INSERT OR IGNORE INTO counters (name, last) SELECT 'submissions', coalesce(max(seq), 0) FROM submissions;

CREATE TABLE IF NOT EXISTS receipts (
    submission_id TEXT NOT NULL REFERENCES submissions (id),
    language TEXT NOT NULL,
    pdf BLOB NOT NULL,
    rendered_at TEXT NOT NULL,
    PRIMARY KEY (submission_id, language)
);
