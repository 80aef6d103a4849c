"""The roster: the companies administrators keep, signatories or not, and their sources."""
