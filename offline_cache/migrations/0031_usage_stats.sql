-- Usage statistics without personal data (issue 7): counters only, never one row per resident.
-- metric: sessions_started | service_started | sessions_completed | sessions_abandoned |
--         step_reached | voice_sessions | duration_5s | submissions_queued | submissions_accepted
-- step:   the wizard step for abandoned/step_reached; the 5-second bucket for duration_5s.
CREATE TABLE usage_counts (
    day              TEXT NOT NULL,
    service          TEXT NOT NULL DEFAULT '',
    matter_category  TEXT NOT NULL DEFAULT '',
    village          TEXT NOT NULL DEFAULT '',
    metric           TEXT NOT NULL,
    step             TEXT NOT NULL DEFAULT '',
    n                INTEGER NOT NULL,
    PRIMARY KEY (day, service, matter_category, village, metric, step)
);
