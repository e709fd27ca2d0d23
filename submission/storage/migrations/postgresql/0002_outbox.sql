-- Delivery to agencies' case systems from a transactional outbox, and idempotent API submissions.

-- One row per submission and agency webhook, written in the transaction that stores the submission.
CREATE TABLE deliveries (
    id TEXT PRIMARY KEY,
    submission_id TEXT NOT NULL REFERENCES submissions (id),
    agency TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMPTZ NOT NULL,
    -- when a worker may next try it: now for a new row, the end of a claim's lease, or the next retry
    next_attempt_at TIMESTAMPTZ NOT NULL,
    last_error TEXT NOT NULL DEFAULT '',
    delivered_at TIMESTAMPTZ
);
CREATE INDEX deliveries_due ON deliveries (status, next_attempt_at);
CREATE INDEX deliveries_submission ON deliveries (submission_id);

-- `key` is scoped by the caller (the API key's id and the form); it gives back the first submission. Its row
-- is written first in the storing transaction (the submission follows: the reference is checked at commit),
-- so that two requests with one key at once wait for each other.
CREATE TABLE idempotency_keys (
    key TEXT PRIMARY KEY,
    submission_id TEXT NOT NULL REFERENCES submissions (id) DEFERRABLE INITIALLY DEFERRED,
    data_sha256 TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
