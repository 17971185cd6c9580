DROP TABLE IF EXISTS plan_chunks;
