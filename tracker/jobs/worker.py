"""The RQ worker that ``tracker worker`` runs, with a configurable wait for lost workers.

RQ 2.12 keeps each running job in the queue's StartedJobRegistry with a deadline that every
heartbeat (every ``job_monitoring_interval`` seconds) pushes forward by the interval plus a
fixed 60 seconds. A worker that is killed stops the heartbeats; at its next maintenance
(``maintenance_interval``) any worker of the queue finds the deadline passed and, since every
tracker job is enqueued with ``Retry``, puts the job back (scheduled after the retry's wait)
instead of into the failed list. This class makes the 60 seconds a setting (``grace``) so the
operator (and the tests) choose how soon a lost job is taken up again.
"""

from __future__ import annotations

from rq import Worker
from rq.job import Job


class TrackerWorker(Worker):
    """An RQ worker whose lost-job deadline is ``monitoring interval + grace`` seconds."""

    grace = 60

    def get_heartbeat_ttl(self, job: Job) -> int:
        if job.timeout and job.timeout > 0:
            remaining = job.timeout - self.current_job_working_time
            return int(min(remaining, self.job_monitoring_interval)) + self.grace
        return self.job_monitoring_interval + self.grace
