"""Content-addressed files (attachments, reports) kept where every app host can read them."""
