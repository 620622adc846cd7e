-- Home-visit bookings ledger (issue 3). Only what is needed to hold slots and refuse a second
-- active booking: no name, no ID number, no phone, no street address. The person is identified
-- by person_key = HMAC-SHA256(per-terminal secret in meta 'visits.person_key_secret', ID number);
-- the details themselves travel sealed in the outbox (submission_id) to the provincial system.
CREATE TABLE visit_bookings (
    booking_id     TEXT PRIMARY KEY,
    person_key     TEXT NOT NULL,
    service        TEXT NOT NULL,
    team           TEXT NOT NULL,
    district       TEXT NOT NULL,
    town           TEXT NOT NULL,
    village        TEXT NOT NULL,
    visit_date     TEXT NOT NULL,
    period         TEXT NOT NULL,
    eligibility    TEXT NOT NULL,
    staff_override INTEGER NOT NULL DEFAULT 0,
    staff_id       TEXT,
    status         TEXT NOT NULL
        CHECK (status IN ('tentative', 'confirmed', 'rejected', 'cancelled', 'done')),
    submission_id  TEXT,
    receipt_code   TEXT,
    created_at     REAL NOT NULL,
    updated_at     REAL NOT NULL
);

CREATE INDEX visit_bookings_slot ON visit_bookings (team, visit_date, period, status);
CREATE INDEX visit_bookings_person ON visit_bookings (person_key, service, status);
CREATE INDEX visit_bookings_submission ON visit_bookings (submission_id);
