"""The public list of signatories, sorted and filtered: by name, date signed or overall score
in the current cycle, and by whether a company published in it (tracker.sorting checks the
query parameters)."""

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from tracker.companies.models import Company
from tracker.companies.services import listed_companies_query
from tracker.ledger.models import OVERALL, Publication, PublicationScore
from tracker.ledger.queries import current_query
from tracker.sorting import ASCENDING, DESCENDING

# The list's sortable columns and the order a first click sorts each in.
COLUMNS = {"name": ASCENDING, "signed": DESCENDING, "overall": DESCENDING}
# Its filter: every signatory, those that published in the cycle shown, those that did not.
PUBLISHED_FILTER = ["yes", "no"]


def sorted_companies_query(
    sort: str = "name",
    descending: bool = False,
    cycle_id: int | None = None,
    published: str | None = None,
) -> sa.Select:
    """Companies the public sees: confirmed signatories, by English name; or by date signed or
    by overall score in the cycle ``cycle_id`` (those without one last, ties by name), each
    either way (``descending``). ``published`` "yes" or "no": only the companies with (or
    without) a published version in that cycle."""
    query = listed_companies_query().order_by(None)
    if cycle_id is None and published == "yes":  # no cycle: nobody has published
        query = query.where(sa.false())
    name = (Company.name_en.desc(), Company.id.desc()) if descending else (Company.name_en,)
    if cycle_id is not None and (sort == "overall" or published):
        current = current_query(cycle_id).with_only_columns(
            Publication.id.label("publication_id"), Publication.company_id
        )
        listed = current.subquery()
        query = query.outerjoin(listed, listed.c.company_id == Company.id)
        if published == "yes":
            query = query.where(listed.c.publication_id.is_not(None))
        elif published == "no":
            query = query.where(listed.c.publication_id.is_(None))
        if sort == "overall":
            score = aliased(PublicationScore)
            query = query.outerjoin(
                score,
                sa.and_(
                    score.publication_id == listed.c.publication_id,
                    score.commitment_id == OVERALL,
                ),
            )
            percent = score.percent.desc() if descending else score.percent.asc()
            return query.order_by(percent.nulls_last(), Company.name_en, Company.id)
    if sort == "signed":
        since = Company.signatory_since.desc() if descending else Company.signatory_since.asc()
        return query.order_by(since.nulls_last(), Company.name_en, Company.id)
    return query.order_by(*name)
