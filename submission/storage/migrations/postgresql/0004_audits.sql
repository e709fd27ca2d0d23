-- Accessibility audits (`lomake audit`): axe-core and the Nu Html Checker on every page of a form version.

CREATE TABLE audits (
    id TEXT PRIMARY KEY,
    form_id TEXT NOT NULL,
    -- the form's content hash (`Form.hash`): the version audited
    form_hash TEXT NOT NULL,
    audited_at TIMESTAMPTZ NOT NULL,
    -- the tools and their versions
    tools TEXT NOT NULL,
    -- how many page states were checked
    pages INTEGER NOT NULL,
    -- a JSON list of {tool, rule, impact, message, page, selector}
    problems TEXT NOT NULL
);
CREATE INDEX audits_form ON audits (form_id, audited_at);
