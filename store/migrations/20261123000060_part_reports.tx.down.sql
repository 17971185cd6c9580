DROP TABLE IF EXISTS part_reports;
--bun:split
DROP SEQUENCE IF EXISTS part_report_version;
