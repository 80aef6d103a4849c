"""Reminders: companies that still owe their disclosure are told as the due date nears."""
