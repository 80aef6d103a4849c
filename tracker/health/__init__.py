"""Health checks for load balancers and orchestrators: ``/healthz`` (the process answers) and
``/readyz`` (it can serve: database, migrations, Redis, storage)."""
