"""Backup and restore: the whole database and every blob in one archive (``tracker backup``,
``tracker restore``), portable between SQLite and PostgreSQL and between storage backends."""
