-- How each exchange went beside its calendar: whether its invitation went
-- out on time, late or not at all, and whether its attendance could only be
-- recorded after the sign-in window (the service was not running then).
ALTER TABLE meetings ADD COLUMN IF NOT EXISTS invitation text NOT NULL DEFAULT '';
--bun:split
ALTER TABLE meetings ADD COLUMN IF NOT EXISTS recorded_late boolean NOT NULL DEFAULT false;
--bun:split
ALTER TABLE meetings ADD COLUMN IF NOT EXISTS note text NOT NULL DEFAULT '';
--bun:split
-- unrecorded: nobody could sign in (the service was away over the whole
-- sign-in window); it counts neither for nor against the officer until the
-- secretary records what happened.
ALTER TABLE attendance DROP CONSTRAINT IF EXISTS attendance_status_check;
--bun:split
ALTER TABLE attendance ADD CONSTRAINT attendance_status_check CHECK (status IN ('present', 'excused', 'absent', 'unrecorded'));
