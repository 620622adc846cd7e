-- The outbox is a status column, not a separate queue (as in ODK Collect):
--   queued -> sending -> accepted | rejected   (sending -> queued again on transient failure).
-- Only non-identifying metadata is in clear; the resident's application is the sealed envelope,
-- encrypted to the provincial public key. The envelope is kept until the server has explicitly
-- accepted the submission, and purged only after the retention period.
CREATE TABLE outbox (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    submission_id     TEXT NOT NULL UNIQUE,      -- client-generated UUID, the idempotency key
    receipt_code      TEXT NOT NULL UNIQUE,      -- 8 digits printed on the resident's slip
    kind              TEXT NOT NULL,             -- legal_aid | visit_booking
    created_at        REAL NOT NULL,
    metadata          TEXT NOT NULL DEFAULT '{}',-- JSON of non-identifying facts (service, district...)
    staff_id          TEXT,                      -- staff member who queued it from the CLI, if any
    envelope          BLOB,                      -- sealed payload; NULL once purged after acceptance
    content_sha256    TEXT NOT NULL,             -- of the envelope: the server tells duplicate from conflict
    status            TEXT NOT NULL DEFAULT 'queued'
                      CHECK (status IN ('queued', 'sending', 'accepted', 'rejected')),
    attempts          INTEGER NOT NULL DEFAULT 0,
    last_error        TEXT,
    last_attempt_at   REAL,
    next_attempt_at   REAL NOT NULL,
    accepted_at       REAL,
    case_number       TEXT,
    remote_status     TEXT,                      -- latest status code from the provincial system
    remote_status_text TEXT,                     -- its plain-Chinese wording
    remote_status_at  REAL,                      -- when the provincial system set it
    status_learned_at REAL,                      -- when this terminal learned it
    purged_at         REAL
);

CREATE INDEX outbox_due ON outbox (status, next_attempt_at, id);
CREATE INDEX outbox_accepted ON outbox (status, accepted_at);
