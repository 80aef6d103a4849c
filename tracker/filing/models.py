"""A company's disclosure for a cycle, its answer to each checklist item, and every move of it
between workflow states."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.auth.models import User
from tracker.checklists.models import ChecklistVersion
from tracker.companies.models import Company
from tracker.cycles.models import Cycle
from tracker.db import AppendOnly, JSONType, Model, UTCDateTime, enum_column, utcnow
from tracker.domain.statuses import Status
from tracker.domain.workflow import EDITABLE, HANDED_IN, Action, DisclosureState


class Disclosure(Model):
    __tablename__ = "disclosures"

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(sa.ForeignKey("companies.id"))
    cycle_id: Mapped[int] = mapped_column(sa.ForeignKey("cycles.id"))
    # The version answers were filed against; a cycle names it, the disclosure keeps it.
    checklist_version_id: Mapped[int] = mapped_column(sa.ForeignKey("checklist_versions.id"))
    state: Mapped[DisclosureState] = mapped_column(
        enum_column(DisclosureState, "disclosure_state"), default=DisclosureState.NOT_STARTED
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # This company's due date when an administrator extended it; else the cycle's applies.
    due_on: Mapped[date | None]

    company: Mapped[Company] = relationship()
    cycle: Mapped[Cycle] = relationship()
    checklist_version: Mapped[ChecklistVersion] = relationship()
    responses: Mapped[list["ItemResponse"]] = relationship(
        back_populates="disclosure", cascade="all, delete-orphan", order_by="ItemResponse.id"
    )

    __table_args__ = (
        sa.UniqueConstraint("company_id", "cycle_id"),
        sa.Index("ix_disclosures_cycle_id_state", "cycle_id", "state"),
    )

    @property
    def effective_due_on(self) -> date:
        return self.due_on or self.cycle.due_on

    # What pages ask about the state, as booleans (templates never compare state names).

    @property
    def is_editable_state(self) -> bool:
        """The state lets the officer edit (whether the cycle is open is another question:
        tracker.filing.services.can_edit asks both)."""
        return self.state in EDITABLE

    @property
    def is_handed_in(self) -> bool:
        """Submitted to the alliance, or later in review."""
        return self.state in HANDED_IN

    @property
    def is_returned(self) -> bool:
        """Back with the company, changes requested."""
        return self.state is DisclosureState.CHANGES_REQUESTED

    @property
    def is_published(self) -> bool:
        """Published and not being corrected (``published_at`` says whether it ever was)."""
        return self.state is DisclosureState.PUBLISHED

    def statuses(self) -> dict[str, Status | None]:
        """Item id -> status, for scoring."""
        return {r.item_id: r.status for r in self.responses}

    def __repr__(self) -> str:
        return f"<Disclosure company={self.company_id} cycle={self.cycle_id} {self.state}>"


class ItemResponse(Model):
    """The answer to one item. ``version`` guards against silent overwrites when two people edit."""

    __tablename__ = "item_responses"

    id: Mapped[int] = mapped_column(primary_key=True)
    disclosure_id: Mapped[int] = mapped_column(sa.ForeignKey("disclosures.id", ondelete="CASCADE"))
    item_id: Mapped[str] = mapped_column(sa.String(120))
    status: Mapped[Status | None] = mapped_column(enum_column(Status, "item_status"))
    not_applicable_reason: Mapped[str | None] = mapped_column(sa.Text)
    narrative: Mapped[str | None] = mapped_column(sa.Text)  # public Markdown
    # The narrative's language as the officer chose it ("en", "zh-CN"); None: detected from
    # the text (tracker.domain.text_language). Published snapshots record the one in force.
    narrative_language: Mapped[str | None] = mapped_column(sa.String(16))
    # The company's version of the narrative in the other language (public Markdown), or None.
    narrative_translation: Mapped[str | None] = mapped_column(sa.Text)
    confidential_note: Mapped[str | None] = mapped_column(sa.Text)  # alliance staff only
    # [{"url": "https://…", "title": "…"}]
    evidence_links: Mapped[list] = mapped_column(JSONType, default=list)
    # field id -> answer, e.g. {"benchmarks": {"selected": ["helm-safety"], "other": ["X"]}}
    structured: Mapped[dict] = mapped_column(JSONType, default=dict)
    # Benchmark results, for an item that takes them (Item.results): a list of
    # tracker.domain.results.result_to_dict(result, public=False), in the officer's order.
    benchmark_results: Mapped[list] = mapped_column(
        JSONType, default=list, server_default=sa.text("'[]'")
    )
    # Copied from the previous cycle and not yet confirmed or changed by an officer.
    carried_over: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    version: Mapped[int] = mapped_column(default=1)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    disclosure: Mapped[Disclosure] = relationship(back_populates="responses")
    updated_by: Mapped[User | None] = relationship()
    revisions: Mapped[list["ResponseRevision"]] = relationship(
        back_populates="response",
        cascade="all, delete-orphan",
        order_by="ResponseRevision.version.desc()",
    )

    __table_args__ = (sa.UniqueConstraint("disclosure_id", "item_id"),)
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's own mapping

    def __repr__(self) -> str:
        return f"<ItemResponse {self.item_id} {self.status}>"


class ResponseRevision(AppendOnly, Model):
    """One saved change to an answer: who, when, and the answer before and after."""

    __tablename__ = "response_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(
        sa.ForeignKey("item_responses.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[int]  # the answer's version after this change
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    changed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    before: Mapped[dict] = mapped_column(JSONType)  # {} for the first save
    after: Mapped[dict] = mapped_column(JSONType)

    response: Mapped[ItemResponse] = relationship(back_populates="revisions")
    changed_by: Mapped[User | None] = relationship()

    __table_args__ = (sa.UniqueConstraint("response_id", "version"),)


class Transition(AppendOnly, Model):
    """One workflow step: who moved the disclosure from which state to which, when and why."""

    __tablename__ = "transitions"

    id: Mapped[int] = mapped_column(primary_key=True)
    disclosure_id: Mapped[int] = mapped_column(
        sa.ForeignKey("disclosures.id", ondelete="CASCADE"), index=True
    )
    action: Mapped[Action] = mapped_column(enum_column(Action, "workflow_action"))
    from_state: Mapped[DisclosureState] = mapped_column(
        enum_column(DisclosureState, "transition_from_state")
    )
    to_state: Mapped[DisclosureState] = mapped_column(
        enum_column(DisclosureState, "transition_to_state")
    )
    reason: Mapped[str | None] = mapped_column(sa.Text)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    actor: Mapped[User | None] = relationship()


class Attachment(Model):
    """A file attached to an answer. The bytes live once per content hash in the upload store."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    disclosure_id: Mapped[int] = mapped_column(sa.ForeignKey("disclosures.id", ondelete="CASCADE"))
    item_id: Mapped[str] = mapped_column(sa.String(120))
    filename: Mapped[str] = mapped_column(sa.String(255))  # as uploaded, cleaned for display
    file_type: Mapped[str] = mapped_column(sa.String(20))  # detected from the content: pdf, png …
    content_type: Mapped[str] = mapped_column(sa.String(120))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(sa.String(64))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    # Removing keeps the row (and the file) for the history; removed files are not listed.
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    removed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    disclosure: Mapped[Disclosure] = relationship()
    uploaded_by: Mapped[User | None] = relationship(foreign_keys=[uploaded_by_id])
    removed_by: Mapped[User | None] = relationship(foreign_keys=[removed_by_id])

    __table_args__ = (
        sa.CheckConstraint("size > 0", name="size_positive"),
        sa.Index("ix_attachments_disclosure_id_item_id", "disclosure_id", "item_id"),
    )


class DueDateExtension(AppendOnly, Model):
    """A company's due date moved for one cycle, by whom and why. The disclosure keeps the
    current date; these rows keep every change."""

    __tablename__ = "due_date_extensions"

    id: Mapped[int] = mapped_column(primary_key=True)
    disclosure_id: Mapped[int] = mapped_column(sa.ForeignKey("disclosures.id"), index=True)
    previous_due_on: Mapped[date]
    due_on: Mapped[date]
    reason: Mapped[str] = mapped_column(sa.Text)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    disclosure: Mapped[Disclosure] = relationship()
    created_by: Mapped[User | None] = relationship()
