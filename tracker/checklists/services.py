"""Registering checklist files in the database."""

from dataclasses import dataclass

import sqlalchemy as sa

from tracker.checklists.models import ChecklistVersion
from tracker.db import Session
from tracker.domain.checklist import LoadedChecklist


class ChecklistConflict(ValueError):
    """A version is already stored with different content: the file was edited in place."""


@dataclass(frozen=True)
class LoadResult:
    version: ChecklistVersion
    created: bool


def load_checklist(session: Session, loaded: LoadedChecklist) -> LoadResult:
    """Store a checklist version, or confirm that the stored copy is identical.

    A stored version is never changed: answers were filed against its meaning. A file whose
    content differs from its stored version must get a new version number instead.
    """
    checklist = loaded.checklist
    existing = session.scalar(
        sa.select(ChecklistVersion).filter_by(checklist_key=checklist.id, version=checklist.version)
    )
    if existing is not None:
        if existing.content_hash != checklist.content_hash:
            raise ChecklistConflict(
                f"{loaded.path}: checklist '{checklist.id}' version '{checklist.version}' is "
                f"already loaded with different content (loaded from {existing.source_file}). "
                "Give the edited file a new version instead of changing a loaded one."
            )
        return LoadResult(existing, created=False)
    version = ChecklistVersion(
        checklist_key=checklist.id,
        version=checklist.version,
        content_hash=checklist.content_hash,
        data=loaded.data,
        source_file=loaded.path.name,
    )
    session.add(version)
    session.flush()
    return LoadResult(version, created=True)


def list_versions(session: Session) -> list[ChecklistVersion]:
    """Every stored version, newest release first."""
    versions = session.scalars(sa.select(ChecklistVersion)).all()
    return sorted(versions, key=lambda v: (v.checklist.released, v.version), reverse=True)
