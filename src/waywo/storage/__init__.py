"""SQLite storage: the schema, the engine and its migrations."""
