"""Search across published narratives, item titles and company names (/search)."""
