-- Form versions: every form as it was loaded, by its hash, so that an old submission's receipt and export show
-- the questions as they were asked; drafts remember the version they were started on.

-- `documents`: the form file and every part it reaches, by path below the schemas folder, as canonical JSON
-- (the hash is the SHA-256 of exactly that); `translations`: language, then source text to translation.
CREATE TABLE form_versions (
    hash TEXT PRIMARY KEY,
    form_id TEXT NOT NULL,
    label TEXT NOT NULL,
    documents TEXT NOT NULL,
    translations TEXT NOT NULL,
    first_seen_at TEXT NOT NULL
);
CREATE INDEX form_versions_form ON form_versions (form_id, first_seen_at);
CREATE INDEX submissions_form_hash ON submissions (form_id, schema_hash);

-- NULL: started before versions were kept (taken to be the form as it is now).
ALTER TABLE drafts ADD COLUMN form_hash TEXT;
