"""The job queue: work that runs outside requests, on RQ when Redis is configured.

Features describe their jobs as ``Kind``s (tracker.jobs.kinds) and hand them to
``services.enqueue``. With ``REDIS_URL`` set, a job goes to an RQ queue and a ``tracker worker``
process runs it inside an app context (tracker.jobs.runner), with retries and back-off; without
it, each feature keeps its in-process runner (a thread, as before), so a single machine needs
nothing but the app.
"""
