DROP TABLE IF EXISTS data_protection_keys;
