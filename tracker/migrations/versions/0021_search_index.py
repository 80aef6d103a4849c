"""search index

The search index (tracker.search): a document per searchable text (an item of a company's
current published version in a cycle; a company's names) and its terms, read through the index
on the term. Existing publications and companies are indexed here, so that an upgrade leaves
search working. Frozen: the terms are made as tracker.domain.search made them when this was
written (tests/test_migrations.py compares), narratives' plain text is read from their stored
renders (migration 0016), or is the Markdown itself for a narrative never rendered;
``tracker search reindex`` builds the index again with the code of the day.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-01 23:35:29

"""
import hashlib
import html as html_module
import json
import re
import unicodedata
from collections import Counter
from html.parser import HTMLParser

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None

# --- tracker.domain.search as of this migration -----------------------------------------------
_CJK = (
    "\u2e80-\u2fdf\u3005\u3007\u3021-\u3029\u3038-\u303b\u3040-\u30ff\u3100-\u312f"
    "\u3130-\u318f\u31a0-\u31bf\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\ua960-\ua97f"
    "\uac00-\ud7ff\uf900-\ufaff\uff66-\uff9f\U00020000-\U0003134f"
)
_CJK_CHAR = re.compile(f"[{_CJK}]")
_TOKEN = re.compile(f"[{_CJK}]+|(?:(?![{_CJK}])[^\\W_])+")
MAX_TERM = 64


def terms(text):
    found = Counter()
    for run in _TOKEN.findall(unicodedata.normalize("NFKC", text).casefold()):
        if _CJK_CHAR.match(run):
            found.update(run[i : i + 2] for i in range(len(run) - 1))
            found[run[-1]] += 1
        else:
            found[run[:MAX_TERM]] += 1
    return found


class _TextOnly(HTMLParser):
    BLOCKS = frozenset({"p", "br", "li", "blockquote", "pre", "tr", "td", "th", "h1", "h2"})

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []

    def handle_starttag(self, tag, attrs):
        if tag in self.BLOCKS:
            self.parts.append(" ")

    def handle_endtag(self, tag):
        if tag in self.BLOCKS:
            self.parts.append(" ")

    def handle_data(self, data):
        self.parts.append(data)


def plain_text(rendered):
    parser = _TextOnly()
    parser.feed(rendered)
    parser.close()
    return " ".join(html_module.unescape("".join(parser.parts)).split())


def language_of_text(text):
    cjk = sum(1 for c in text if _CJK_CHAR.match(c))
    other = sum(1 for c in text if c.isalpha() and not _CJK_CHAR.match(c))
    return "zh" if cjk and cjk * 3 >= other else "en"
# ----------------------------------------------------------------------------------------------

RENDERER_VERSION = 1  # tracker.domain.markdown's, when this was written


def _json(value):
    return json.loads(value) if isinstance(value, str) else value  # SQLite hands back text


documents = sa.table('search_documents', *(sa.column(name) for name in (
    'id', 'kind', 'company_id', 'publication_id', 'cycle_id', 'version', 'item_id',
    'commitment_id', 'position', 'status', 'language', 'published_at', 'text')))
search_terms = sa.table('search_terms', *(sa.column(name) for name in (
    'term', 'document_id', 'field', 'hits')))


def _insert(conn, rows):
    """Documents with explicit ids (the next free ones), then their terms."""
    next_id = (conn.execute(sa.text("SELECT max(id) FROM search_documents")).scalar() or 0) + 1
    docs, term_rows = [], []
    for offset, (document, found) in enumerate(rows):
        docs.append({"id": next_id + offset} | document)
        term_rows.extend({"term": t, "document_id": next_id + offset, "field": f, "hits": n}
                         for t, f, n in found)
    for start in range(0, len(docs), 2000):
        conn.execute(documents.insert(), docs[start:start + 2000])
    for start in range(0, len(term_rows), 20000):
        conn.execute(search_terms.insert(), term_rows[start:start + 20000])


def backfill(conn):
    company_rows = []
    for company_id, slug, name_en, name_zh in conn.execute(sa.text(
            "SELECT id, slug, name_en, name_zh FROM companies ORDER BY id")):
        company_rows.append((
            {"kind": "company", "company_id": company_id, "publication_id": None,
             "cycle_id": None, "version": None, "item_id": None, "commitment_id": None,
             "position": 0, "status": None, "language": None, "published_at": None,
             "text": f"{name_en} · {name_zh}"},
            [(t, "name", n) for t, n in terms(f"{name_en}\n{name_zh}\n{slug}").items()],
        ))
    _insert(conn, company_rows)

    checklists = {}
    latest = conn.execute(sa.text(
        "SELECT p.id, p.company_id, p.cycle_id, p.version, p.published_at, "
        "d.checklist_version_id FROM publications p "
        "JOIN disclosures d ON d.id = p.disclosure_id "
        "WHERE p.version = (SELECT max(q.version) FROM publications q "
        "WHERE q.company_id = p.company_id AND q.cycle_id = p.cycle_id) ORDER BY p.id"
    )).all()
    for publication_id, company_id, cycle_id, version, published_at, version_id in latest:
        if version_id not in checklists:
            data = _json(conn.execute(sa.text("SELECT data FROM checklist_versions WHERE id = :id"),
                                      {"id": version_id}).scalar())
            checklists[version_id] = {
                item["id"]: (position, commitment["id"], dict(terms(
                    f"{item['title']['en'].strip()}\n{item['title']['zh'].strip()}")))
                for position, (commitment, item) in enumerate(
                    (c, i) for c in data["commitments"] for i in c["items"])
            }
        items = checklists[version_id]
        snapshot = _json(conn.execute(sa.text("SELECT snapshot FROM publications WHERE id = :id"),
                                      {"id": publication_id}).scalar())
        narratives = {t for e in snapshot["items"]
                      for t in (e["narrative"], e.get("narrative_translation"))
                      if (t or "").strip()}
        keys = {hashlib.sha256(t.encode("utf-8")).hexdigest(): t for t in narratives}
        rendered = {}
        if keys:
            for key, stored in conn.execute(
                sa.text("SELECT text_sha256, html FROM rendered_narratives "
                        "WHERE renderer_version = :version AND text_sha256 IN :keys")
                .bindparams(sa.bindparam("keys", expanding=True)),
                {"version": RENDERER_VERSION, "keys": list(keys)},
            ):
                rendered[keys[key]] = stored
        rows = []
        for entry in snapshot["items"]:
            if entry["id"] not in items or (entry["status"] is None and not entry["narrative"]):
                continue
            position, commitment_id, title_terms = items[entry["id"]]
            narrative = entry["narrative"] or ""
            text = ""
            if narrative.strip():
                text = (plain_text(rendered[narrative]) if narrative in rendered
                        else " ".join(narrative.split()))
            reason = " ".join((entry.get("not_applicable_reason") or "").split())
            text = " ".join(part for part in (text, reason) if part)
            language = language_of_text(text) if text else None
            # the company's version in the other language, in snapshots since 0022
            translation = entry.get("narrative_translation") or ""
            if translation.strip():
                text = " ".join(part for part in (text, plain_text(rendered[translation])
                                if translation in rendered else " ".join(translation.split()))
                                if part)
            rows.append((
                {"kind": "answer", "company_id": company_id, "publication_id": publication_id,
                 "cycle_id": cycle_id, "version": version, "item_id": entry["id"],
                 "commitment_id": commitment_id, "position": position,
                 "status": entry["status"], "language": language,
                 "published_at": published_at, "text": text},
                [(t, "text", n) for t, n in terms(text).items()]
                + [(t, "title", n) for t, n in title_terms.items()],
            ))
        _insert(conn, rows)


def upgrade():
    op.create_table('search_documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=False),
    sa.Column('publication_id', sa.Integer(), nullable=True),
    sa.Column('cycle_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=True),
    sa.Column('item_id', sa.String(length=100), nullable=True),
    sa.Column('commitment_id', sa.String(length=100), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=30), nullable=True),
    sa.Column('language', sa.String(length=8), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['company_id'], ['companies.id'], name=op.f('fk_search_documents_company_id_companies')),
    sa.ForeignKeyConstraint(['cycle_id'], ['cycles.id'], name=op.f('fk_search_documents_cycle_id_cycles')),
    sa.ForeignKeyConstraint(['publication_id'], ['publications.id'], name=op.f('fk_search_documents_publication_id_publications')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_search_documents'))
    )
    with op.batch_alter_table('search_documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_search_documents_company_id'), ['company_id'], unique=False)
        batch_op.create_index('ix_search_documents_cycle_id_kind', ['cycle_id', 'kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_search_documents_publication_id'), ['publication_id'], unique=False)

    op.create_table('search_terms',
    sa.Column('term', sa.String(length=64).with_variant(sa.String(length=64, collation='C'), 'postgresql'), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('field', sa.String(length=8), nullable=False),
    sa.Column('hits', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['search_documents.id'], name=op.f('fk_search_terms_document_id_search_documents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('term', 'document_id', 'field', name=op.f('pk_search_terms'))
    )
    with op.batch_alter_table('search_terms', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_search_terms_document_id'), ['document_id'], unique=False)

    backfill(op.get_bind())
    if op.get_bind().dialect.name == "postgresql":  # ids given here: the sequence goes on after them
        op.execute("SELECT setval(pg_get_serial_sequence('search_documents', 'id'), "
                   "coalesce((SELECT max(id) FROM search_documents), 0) + 1, false)")


def downgrade():
    with op.batch_alter_table('search_terms', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_search_terms_document_id'))

    op.drop_table('search_terms')
    with op.batch_alter_table('search_documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_search_documents_publication_id'))
        batch_op.drop_index('ix_search_documents_cycle_id_kind')
        batch_op.drop_index(batch_op.f('ix_search_documents_company_id'))

    op.drop_table('search_documents')
