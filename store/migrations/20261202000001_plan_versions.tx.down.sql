ALTER TABLE officers DROP COLUMN IF EXISTS left_at;
--bun:split
ALTER TABLE officers DROP COLUMN IF EXISTS joined_at;
--bun:split
DROP TABLE IF EXISTS plan_versions;
