DROP TABLE IF EXISTS officers;
--bun:split
DROP TABLE IF EXISTS departments;
--bun:split
DROP TABLE IF EXISTS leaders;
--bun:split
DROP TABLE IF EXISTS terms;
