-- Append-only, hash-chained log of staff and administrator actions (issue 7).
-- Each row's hash covers its own fields and the previous row's hash; meta keeps the head
-- (audit.head_hash, audit.count) so removing rows from the end is noticed too.
CREATE TABLE audit_log (
    seq        INTEGER PRIMARY KEY,
    at         TEXT NOT NULL,
    actor      TEXT NOT NULL,
    action     TEXT NOT NULL,
    detail     TEXT NOT NULL,
    prev_hash  TEXT NOT NULL,
    hash       TEXT NOT NULL
);

-- The application never edits or deletes an entry; refuse it at the database too, so a bug or
-- a casual sqlite3 session can't do it silently (a determined one must drop the trigger, and the
-- hash chain still shows it).
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
