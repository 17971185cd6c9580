DROP TABLE IF EXISTS evaluation_reports;
DROP TABLE IF EXISTS evaluations;
