DROP TABLE IF EXISTS month_digests;
DROP TABLE IF EXISTS competition_results;
DROP TABLE IF EXISTS month_themes;
