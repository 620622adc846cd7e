-- Staff who may assist residents or administer the terminal. Only slow salted PIN hashes
-- (scrypt) are kept; never a PIN in clear.
CREATE TABLE staff (
    staff_id   TEXT PRIMARY KEY,
    role       TEXT NOT NULL CHECK (role IN ('staff', 'admin')),
    pin_hash   TEXT NOT NULL,
    active     INTEGER NOT NULL DEFAULT 1,
    created_at REAL NOT NULL
);

-- Failed sign-ins per staff id (and one shared row for ids that don't exist), for the lockout
-- after 5 failures. Kept apart from `staff` so unknown ids are throttled too.
CREATE TABLE staff_attempts (
    scope        TEXT PRIMARY KEY,
    failures     INTEGER NOT NULL DEFAULT 0,
    locked_until REAL NOT NULL DEFAULT 0
);
