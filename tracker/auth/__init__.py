"""Accounts. Sign-in, invitations and roles arrive with the accounts issue."""
