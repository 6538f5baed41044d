-- Every enrolment attempt, for the operator and for the rate limit (issue 22): when, the label
-- the desk gave, and whether it enrolled. Wrong codes in the last ten minutes gate the next try.
CREATE TABLE enrol_attempt (
    at_ms    BIGINT NOT NULL,
    label    TEXT NOT NULL,
    enrolled INTEGER NOT NULL
);
CREATE INDEX enrol_attempt_at ON enrol_attempt (at_ms);
