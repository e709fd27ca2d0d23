-- The tables of the first versioned release, as sqlite/0001_initial.sql, in PostgreSQL's types: times are
-- timestamptz; answers and metadata stay canonical JSON text (what `data_sha256` is the hash of).
CREATE TABLE submissions (
    id TEXT PRIMARY KEY,
    reference TEXT NOT NULL UNIQUE,
    form_id TEXT NOT NULL,
    form_version TEXT NOT NULL,
    schema_hash TEXT NOT NULL,
    agency TEXT NOT NULL,
    data TEXT NOT NULL,
    data_sha256 TEXT NOT NULL,
    received_at TIMESTAMPTZ NOT NULL,
    language TEXT NOT NULL,
    receipt_token TEXT NOT NULL UNIQUE,
    metadata TEXT NOT NULL DEFAULT '{}',
    -- commit order, the read API's cursor: counted up in the committing transaction (the `counters` row)
    seq BIGINT NOT NULL UNIQUE
);
CREATE INDEX submissions_form ON submissions (form_id, received_at);
CREATE INDEX submissions_agency_seq ON submissions (agency, seq);
CREATE INDEX submissions_form_seq ON submissions (form_id, seq);

CREATE TABLE attachments (
    id TEXT PRIMARY KEY,
    submission_id TEXT REFERENCES submissions (id),
    name TEXT NOT NULL,
    media_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    content BYTEA NOT NULL,
    uploaded_at TIMESTAMPTZ NOT NULL,
    -- upload order among those of one moment
    n BIGINT GENERATED ALWAYS AS IDENTITY,
    -- who holds an unclaimed upload: a draft's id or a one-page form's upload key
    draft_id TEXT
);
-- chunks are read with substring(): no compression, so that a read touches only its own pages
ALTER TABLE attachments ALTER COLUMN content SET STORAGE EXTERNAL;
CREATE INDEX attachments_submission ON attachments (submission_id);
CREATE INDEX attachments_holder ON attachments (draft_id) WHERE submission_id IS NULL;

CREATE TABLE drafts (
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
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    days INTEGER NOT NULL,
    n BIGINT GENERATED ALWAYS AS IDENTITY,
    submission_id TEXT REFERENCES submissions (id),
    handover TEXT UNIQUE,
    handed_over_at TIMESTAMPTZ
);
CREATE INDEX drafts_expiry ON drafts (expires_at);
CREATE INDEX drafts_form ON drafts (form_id, created_at);

CREATE TABLE api_keys (
    id TEXT PRIMARY KEY,
    agency TEXT NOT NULL,
    name TEXT NOT NULL,
    sha256 TEXT NOT NULL UNIQUE,
    created_at TIMESTAMPTZ NOT NULL,
    revoked_at TIMESTAMPTZ
);

CREATE TABLE reference_counters (
    agency TEXT NOT NULL,
    year INTEGER NOT NULL,
    last BIGINT NOT NULL,
    PRIMARY KEY (agency, year)
);

-- `submissions`: the last `seq` handed out, counted up in the committing transaction
CREATE TABLE counters (
    name TEXT PRIMARY KEY,
    last BIGINT NOT NULL
);
INSERT INTO counters (name, last) VALUES ('submissions', 0);

CREATE TABLE receipts (
    submission_id TEXT NOT NULL REFERENCES submissions (id),
    language TEXT NOT NULL,
    pdf BYTEA NOT NULL,
    rendered_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (submission_id, language)
);
