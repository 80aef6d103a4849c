"""The demo's fictional companies and narrative building blocks, read from data/*.yaml, and
more generated fictional companies for a roster of any size."""

import random
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from pathlib import Path

import yaml

DATA_DIR = Path(__file__).parent / "data"


@dataclass(frozen=True)
class DemoCompany:
    slug: str
    name_en: str
    name_zh: str
    website: str
    signed_on: str
    profile: str  # leader, solid, mixed, early: how complete its practices are
    language: str  # zh, en or both: the language its officers write in


@cache
def companies() -> tuple[DemoCompany, ...]:
    raw = yaml.safe_load((DATA_DIR / "companies.yaml").read_text(encoding="utf-8"))
    return tuple(
        DemoCompany(
            slug=c["slug"],
            name_en=c["name"]["en"],
            name_zh=c["name"]["zh"],
            website=c["website"],
            signed_on=str(c["signed_on"]),
            profile=c["profile"],
            language=c["language"],
        )
        for c in raw
    )


@cache
def narratives() -> dict:
    """Item id -> {status -> [{en, zh}], evidence -> [...]}, plus the ``_`` prefixed extras."""
    return yaml.safe_load((DATA_DIR / "narratives.yaml").read_text(encoding="utf-8"))


@cache
def review_texts() -> dict:
    """What the demo's reviewer and officers write in review: requests for changes, comments on
    items, an officer's revision and acceptances, each as {en, zh} (data/review.yaml)."""
    return yaml.safe_load((DATA_DIR / "review.yaml").read_text(encoding="utf-8"))


# Fictional signatories beyond the demo's own, for measuring the site at scale
# (`tracker demo --signatories N`): two-character brand names, each character with its pinyin,
# and a bilingual kind of business. None of these combinations names a real company.
BRAND_FIRST = (
    ("青", "qing"), ("远", "yuan"), ("澜", "lan"), ("星", "xing"), ("若", "ruo"), ("启", "qi"),
    ("衡", "heng"), ("朗", "lang"), ("明", "ming"), ("拓", "tuo"), ("睿", "rui"), ("岩", "yan"),
    ("松", "song"), ("泽", "ze"), ("航", "hang"), ("禾", "he"), ("嘉", "jia"), ("峰", "feng"),
    ("宁", "ning"), ("洛", "luo"), ("辰", "chen"), ("瀚", "han"), ("弘", "hong"), ("舟", "zhou"),
    ("凌", "ling"), ("墨", "mo"), ("霁", "ji"), ("桐", "tong"), ("溪", "xi"), ("钧", "jun"),
    ("曜", "yao"), ("珩", "heng"), ("栖", "qi"), ("苍", "cang"), ("璞", "pu"), ("翎", "ling"),
    ("策", "ce"), ("澈", "che"), ("峻", "jun"), ("芸", "yun"),
)  # fmt: skip
BRAND_SECOND = (
    ("川", "chuan"), ("河", "he"), ("石", "shi"), ("岳", "yue"), ("木", "mu"), ("林", "lin"),
    ("光", "guang"), ("图", "tu"), ("衍", "yan"), ("极", "ji"), ("合", "he"), ("原", "yuan"),
    ("帆", "fan"), ("源", "yuan"), ("境", "jing"), ("数", "shu"), ("弦", "xian"), ("峦", "luan"),
    ("野", "ye"), ("湾", "wan"), ("汐", "xi"), ("芒", "mang"), ("穹", "qiong"), ("澄", "cheng"),
    ("砾", "li"), ("垣", "yuan"), ("屿", "yu"), ("杉", "shan"), ("羽", "yu"), ("霖", "lin"),
)  # fmt: skip
BUSINESSES = (
    ("智能", "Intelligence", "intelligence"), ("科技", "Technology", "tech"),
    ("数据", "Data", "data"), ("机器人", "Robotics", "robotics"), ("云计算", "Cloud", "cloud"),
    ("信息技术", "Information Technology", "it"), ("视觉", "Vision", "vision"),
    ("智算", "Computing", "computing"), ("语言智能", "Language AI", "language-ai"),
    ("医疗智能", "Health AI", "health-ai"), ("网络", "Networks", "networks"),
    ("人工智能研究院", "AI Research Institute", "ai-research"),
)  # fmt: skip
CITIES = ("北京", "上海", "深圳", "杭州", "广州", "成都", "南京", "武汉", "西安", "苏州", "合肥")
PROFILE_SHARES = {"leader": 15, "solid": 35, "mixed": 35, "early": 15}
LANGUAGE_SHARES = {"zh": 55, "both": 30, "en": 15}


def roster(count: int) -> tuple[DemoCompany, ...]:
    """The demo's companies followed by ``count - len(companies())`` generated fictional ones
    (never fewer than the demo's own): deterministic, so that a roster can be reproduced."""
    own = companies()
    rng = random.Random("tracker-demo-roster")  # noqa: S311 - demo data; one sequence for every N
    slugs = {c.slug for c in own}
    names = {c.name_zh for c in own}
    generated: list[DemoCompany] = []
    first_signing = date(2024, 12, 24)
    while len(own) + len(generated) < count:
        (c1, p1), (c2, p2) = rng.choice(BRAND_FIRST), rng.choice(BRAND_SECOND)
        zh_kind, en_kind, slug_kind = rng.choice(BUSINESSES)
        name_zh, name_en = c1 + c2 + zh_kind, f"{(p1 + p2).capitalize()} {en_kind}"
        slug = f"{p1}{p2}-{slug_kind}"
        if name_zh in names:  # the same brand and business: another city's company
            city = rng.choice(CITIES)
            name_zh = city + name_zh
            slug = f"{slug}-{len(generated)}"
        if name_zh in names or slug in slugs:
            continue
        names.add(name_zh)
        slugs.add(slug)
        generated.append(
            DemoCompany(
                slug=slug,
                name_en=name_en,
                name_zh=name_zh,
                website=f"https://www.{slug}.example",
                signed_on=(first_signing + timedelta(days=rng.randint(0, 300))).isoformat(),
                profile=rng.choices(list(PROFILE_SHARES), list(PROFILE_SHARES.values()))[0],
                language=rng.choices(list(LANGUAGE_SHARES), list(LANGUAGE_SHARES.values()))[0],
            )
        )
    return own + tuple(generated)
