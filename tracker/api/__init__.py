"""The read-only JSON API under /api/v1/: published content only, described by OpenAPI 3.1."""
