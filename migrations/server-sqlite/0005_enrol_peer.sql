-- Where each enrolment attempt came from, and whether a limit refused it before its code was
-- read (issue 22). Wrong codes from one address pause that address, wrong codes from all of them
-- pause everyone; attempts a limit refused count toward neither, so a desk retrying while paused
-- does not keep the pause going. Attempts from before this have no address.
ALTER TABLE enrol_attempt ADD COLUMN peer TEXT;
ALTER TABLE enrol_attempt ADD COLUMN limited INTEGER NOT NULL DEFAULT 0;
