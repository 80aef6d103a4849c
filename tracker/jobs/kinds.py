"""What a kind of job is: its queue, its function, its retries and its time limit."""

from __future__ import annotations

import re
from dataclasses import dataclass

# The queues, one per feature that hands work to the worker (a worker listens to all).
REPORTS = "reports"
LEDGER = "ledger"
OUTBOX = "outbox"
QUEUES = (LEDGER, OUTBOX, REPORTS)  # the order a worker takes them in: quick ones first

# RQ's own rule for job ids, which also keeps them safe in a URL path.
JOB_ID = re.compile(r"[A-Za-z0-9_-]+")


@dataclass(frozen=True)
class Kind:
    """A kind of job.

    ``target`` is the function the worker calls ("module:function"), inside an app context.
    ``retries`` are the waits in seconds before each new attempt after a failure (also after a
    worker that died mid-job: RQ's cleanup of abandoned jobs counts it as a failed attempt);
    past the last the job stays in the failed list, where an administrator can retry it.
    ``timeout`` is the longest one attempt may run before the worker stops it. ``exclusive``:
    a job with the same id that is running or finished makes a second enqueue a no-op too
    (builds: the key says what is built); otherwise only a waiting one does (a delivery that
    started may have read older data, so the next one is queued behind it).
    """

    name: str  # "reports.cycle": the page names it in words (tracker.jobs.labels)
    queue: str
    target: str
    retries: tuple[int, ...] = (10, 60, 300)
    timeout: int = 30 * 60
    exclusive: bool = True

    def job_id(self, prefix: str, key: tuple[object, ...]) -> str:
        """The id of the job for ``key``: the same key gives the same id in every process."""
        job_id = "-".join([prefix, self.name.replace(".", "_"), *(str(part) for part in key)])
        if not JOB_ID.fullmatch(job_id):
            raise ValueError(f"not a valid job id: {job_id!r}")
        return job_id
