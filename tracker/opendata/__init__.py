"""Open data: CSV downloads of published content only (the JSON API is tracker.api)."""
