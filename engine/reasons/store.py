"""Reading recommendations and writing reasons in the shop database."""

from __future__ import annotations

from collections import Counter

from engine import evidence
from engine.clock import now
from engine.db import transaction

STATUSES = ("draft", "approved", "edited", "rejected")


def is_held_out(rec_id: int) -> bool:
    """One recommendation in five is kept out of training, for evaluation."""
    return rec_id % 5 == 0


def recommendations(db, run_id: int | None = None, ids: list[int] | None = None) -> list[dict]:
    sql = "SELECT id, run_id, customer_id, product_id, kind, rank, score, evidence FROM recommendations"
    if ids is not None:
        sql += f" WHERE id IN ({','.join(str(int(i)) for i in ids) or 'NULL'})"
    elif run_id is not None:
        sql += f" WHERE run_id = {int(run_id)}"
    cols = ["id", "run_id", "customer_id", "product_id", "kind", "rank", "score", "evidence"]
    out = []
    for row in db.execute(sql + " ORDER BY id").fetchall():
        rec = dict(zip(cols, row))
        rec["evidence"] = evidence.decode(rec["evidence"], rec["kind"])
        out.append(rec)
    return out


def sentences_in_runs(db, run_ids: set[int], excluding: set[int]) -> tuple[Counter, int]:
    """(how often each reason text, casefolded, is used in these runs, leaving out the recommendations
    `excluding`; how many recommendations the runs hold): what "a shop's reasons" are for the
    sentence cap in `generate.generate_reasons`."""
    runs = ",".join(str(int(r)) for r in run_ids) or "NULL"
    rows = db.execute("SELECT r.recommendation_id, r.text FROM reasons r JOIN recommendations c"
                      f" ON c.id = r.recommendation_id WHERE c.run_id IN ({runs})").fetchall()
    size = db.execute(f"SELECT count(*) FROM recommendations WHERE run_id IN ({runs})").fetchone()[0]
    return Counter(text.casefold() for rec_id, text in rows if rec_id not in excluding), size


def catalogue_names(db) -> frozenset[str]:
    """Every name and title of the shop's products: a reason may cite a product either way."""
    return frozenset(r[0] for r in db.execute("SELECT name FROM products UNION SELECT title FROM products"
                                              " WHERE title IS NOT NULL").fetchall())


def save_reasons(db, rows: list[dict]) -> None:
    """Replace the draft reasons of these recommendations; owner-reviewed ones stay."""
    t = now()
    with transaction(db):
        for r in rows:
            db.execute("DELETE FROM reasons WHERE recommendation_id = ? AND status = 'draft'",
                       [r["recommendation_id"]])
            db.execute("INSERT INTO reasons (recommendation_id, text, provenance, adapter_id, status,"
                       " created_at, updated_at) VALUES (?, ?, ?, ?, 'draft', ?, ?)",
                       [r["recommendation_id"], r["text"], r["provenance"], r.get("adapter_id"), t, t])


REVIEWED_STATUSES = ("approved", "edited", "rejected")


def reviewed_ids(db) -> set[int]:
    """Recommendations the owner has decided on: no new reason is written for them (a new draft
    would hide an approval, an edit or a rejection)."""
    return {r[0] for r in db.execute(
        f"SELECT recommendation_id FROM reasons WHERE status IN {REVIEWED_STATUSES}").fetchall()}


def carry_reviews(db, run_id: int) -> int:
    """Give run `run_id` the owner's decisions of earlier runs; returns how many were carried.

    For each customer and product of the new run, the newest reason an earlier run had for the same
    customer and product is copied (text, status, provenance and dates) when the owner approved,
    edited or rejected it. A rejection therefore stays until the owner lifts it (approves or edits
    that suggestion); a draft is not carried, the reason writer writes a fresh one.
    Call inside the transaction that writes the run.
    """
    cur = db.execute(f"""
        WITH newest AS (
            SELECT r.customer_id, r.product_id, max(s.id) AS reason_id
              FROM reasons s JOIN recommendations r ON r.id = s.recommendation_id
             WHERE r.run_id != :run
             GROUP BY r.customer_id, r.product_id)
        INSERT INTO reasons (recommendation_id, text, provenance, adapter_id, status, created_at, updated_at)
        SELECT n.id, s.text, s.provenance, s.adapter_id, s.status, s.created_at, s.updated_at
          FROM recommendations n
          JOIN newest w ON w.customer_id = n.customer_id AND w.product_id = n.product_id
          JOIN reasons s ON s.id = w.reason_id
         WHERE n.run_id = :run AND s.status IN {REVIEWED_STATUSES}""", {"run": run_id})
    return cur.rowcount


def ids_with_reason(db) -> set[int]:
    return {r[0] for r in db.execute("SELECT DISTINCT recommendation_id FROM reasons").fetchall()}


def reason_states(db, reason_ids: list[int]) -> list[tuple[int, str, str]]:
    """(id, text, status) of these reasons: what an undo puts back."""
    marks = ",".join(str(int(i)) for i in reason_ids) or "NULL"
    return [tuple(r) for r in db.execute(f"SELECT id, text, status FROM reasons WHERE id IN ({marks})")]


def restore_reasons(db, states: list[tuple[int, str, str]]) -> None:
    """Put reasons back as `reason_states` read them (the owner's undo), all together."""
    t = now()
    with transaction(db):
        db.conn.executemany("UPDATE reasons SET text = ?, status = ?, updated_at = ? WHERE id = ?",
                            [(text, status, t, rid) for rid, text, status in states])


def approve_reasons(db, reason_ids: list[int]) -> list[tuple[int, str, str]]:
    """Approve many reasons at once ("Approve all shown"); returns their states before, for an undo."""
    before = reason_states(db, reason_ids)
    t = now()
    with transaction(db):
        db.conn.executemany("UPDATE reasons SET status = 'approved', updated_at = ? WHERE id = ?",
                            [(t, rid) for rid, _, _ in before])
    return before


def set_reason(db, reason_id: int, text: str | None = None, status: str | None = None) -> None:
    """The owner edits, approves or rejects a reason (editing the text makes it 'edited')."""
    if status is not None and status not in STATUSES:
        raise ValueError(f"status must be one of {STATUSES}")
    row = db.execute("SELECT text FROM reasons WHERE id = ?", [reason_id]).fetchone()
    if row is None:
        raise KeyError(f"no reason {reason_id}")
    if text is not None and text.strip() != row[0] and status in (None, "approved"):
        status = "edited"
    with transaction(db):
        db.execute("UPDATE reasons SET text = coalesce(?, text), status = coalesce(?, status),"
                   " updated_at = ? WHERE id = ?", [text and text.strip(), status, now(), reason_id])
