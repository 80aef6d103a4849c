"""Checklist versions: the files in commitments/ and the copies kept in the database."""
