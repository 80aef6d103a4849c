"""Prometheus metrics at ``/metrics``, for a scraper holding METRICS_TOKEN."""
