DELETE FROM attendance WHERE status = 'unrecorded';
--bun:split
ALTER TABLE attendance DROP CONSTRAINT IF EXISTS attendance_status_check;
--bun:split
ALTER TABLE attendance ADD CONSTRAINT attendance_status_check CHECK (status IN ('present', 'excused', 'absent'));
--bun:split
ALTER TABLE meetings DROP COLUMN IF EXISTS note;
--bun:split
ALTER TABLE meetings DROP COLUMN IF EXISTS recorded_late;
--bun:split
ALTER TABLE meetings DROP COLUMN IF EXISTS invitation;
