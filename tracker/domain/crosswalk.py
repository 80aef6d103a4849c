"""The frameworks that checklist items can be cross-referenced to, and their known tags."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Framework:
    """Another set of commitments, with the short statement of each of its numbered commitments."""

    key: str
    name: str
    commitments: dict[str, str]


SEOUL = Framework(
    key="seoul",
    name="Frontier AI Safety Commitments (Seoul, May 2024)",
    commitments={
        "I": "Assess risks across the AI lifecycle",
        "II": "Set thresholds for intolerable risks",
        "III": "Mitigations keep risks within thresholds",
        "IV": "Processes for when thresholds are met, up to not deploying",
        "V": "Invest in the capacity to do I–IV",
        "VI": "Internal accountability and governance",
        "VII": "Public transparency on implementation",
        "VIII": "External actors in risk assessment",
    },
)

WHITE_HOUSE = Framework(
    key="wh",
    name="White House voluntary AI commitments (July 2023)",
    commitments={
        "1": "Internal and external security testing before release",
        "2": "Information sharing on risks",
        "3": "Cybersecurity and insider-threat safeguards for model weights",
        "4": "Third-party discovery and reporting of vulnerabilities",
        "5": "Watermarking and provenance of AI content",
        "6": "Public reporting of capabilities, limitations and appropriate use",
        "7": "Research on societal risks",
        "8": "AI for society's greatest challenges",
    },
)

FRAMEWORKS: dict[str, Framework] = {f.key: f for f in (SEOUL, WHITE_HOUSE)}

KNOWN_TAGS: tuple[str, ...] = tuple(
    f"{framework.key}:{number}"
    for framework in FRAMEWORKS.values()
    for number in framework.commitments
)


def describe_tag(tag: str) -> tuple[Framework, str, str]:
    """Split a known tag such as ``seoul:VI`` into its framework, number and statement."""
    key, number = tag.split(":", 1)
    framework = FRAMEWORKS[key]
    return framework, number, framework.commitments[number]
