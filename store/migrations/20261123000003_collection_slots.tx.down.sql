DROP TABLE IF EXISTS collection_slots;
