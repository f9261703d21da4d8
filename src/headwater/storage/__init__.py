"""Storage core: one interface (`Database`), SQLite and PostgreSQL behind it; free of HTTP."""
