"""A checklist version as loaded into the database: the meaning that answers were filed against."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from tracker.db import JSONType, Model, UTCDateTime, utcnow
from tracker.domain.checklist import Checklist, checklist_from_data

# Built checklists by content hash: a version's content never changes once stored, so parsing and
# validating it once per process is enough.
_BUILT: dict[str, Checklist] = {}


class ChecklistVersion(Model):
    __tablename__ = "checklist_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    checklist_key: Mapped[str] = mapped_column(sa.String(100))
    version: Mapped[str] = mapped_column(sa.String(50))
    content_hash: Mapped[str] = mapped_column(sa.String(64))
    # The whole checklist (about 45 kB of JSON): read only when this process has not built the
    # version yet (``checklist``), never with every row that names a version.
    data: Mapped[dict] = mapped_column(JSONType, deferred=True)
    source_file: Mapped[str] = mapped_column(sa.String(300))
    loaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (sa.UniqueConstraint("checklist_key", "version"),)

    @property
    def checklist(self) -> Checklist:
        """The domain object for this version, built from the stored copy."""
        built = _BUILT.get(self.content_hash)
        if built is None:
            built = checklist_from_data(self.data, f"database: {self.checklist_key} {self.version}")
            _BUILT[self.content_hash] = built
        return built

    def __repr__(self) -> str:
        return f"<ChecklistVersion {self.checklist_key} {self.version}>"
