"""The answer statuses an item can take, and the credit each earns in scoring."""

from enum import StrEnum


class Status(StrEnum):
    """How far a company says it meets one checklist item."""

    MET = "met"
    PARTIALLY_MET = "partially_met"
    NOT_MET = "not_met"
    NOT_APPLICABLE = "not_applicable"
    NOT_DISCLOSED = "not_disclosed"


# Credit towards the score; NOT_APPLICABLE has none because it leaves the denominator.
CREDIT: dict[Status, float] = {
    Status.MET: 1.0,
    Status.PARTIALLY_MET: 0.5,
    Status.NOT_MET: 0.0,
    Status.NOT_DISCLOSED: 0.0,
}
