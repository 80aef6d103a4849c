"""Outgoing mail, kept in the database until delivered: nothing is lost without a mail server."""
