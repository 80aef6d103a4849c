"""Open data: CSV downloads and the read-only JSON API, of published content only."""
