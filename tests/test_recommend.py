"""Recommendations on real SQLite shop files: models, evidence, selection, storage, CLI."""

import json
import random
import statistics

import numpy as np
import pytest

import engine.recommend as R
from engine import cli, evidence
from engine.cli.recommend import LABELS
from engine.db import open_shop
from engine.interests import customer_tags
from engine.jobs import CancelToken, Cancelled
from engine.queries import customer_recommendations, evidence_in_words
from engine.recommend import data as D
from engine.recommend.ease import EASE
from engine.recommend.evaluate import per_user_metrics
from engine.recommend.reorder import cycle
from engine.recommend.select import MODELS


# ---------- building small shops ----------

def make_shop(path, orders, products=None):
    """orders: [(customer key or None, 'YYYY-MM-DD', [(product name, qty), ...], status)]."""
    db = open_shop(path)
    db["imports"].insert({"id": 1, "kind": "orders", "file_name": "t.csv", "sha256": "x",
                          "started_at": "2024-01-01", "status": "done"})
    names = sorted({p for o in orders for p, _ in o[2]} | set(products or {}))
    for n, name in enumerate(names, 1):
        facts = (products or {}).get(name, {})
        db["products"].insert({"id": n, "name": name, "name_key": name.lower(), "sku": f"SKU{n}",
                               "price": 1.0 + n, **facts})
    pid = {name: n for n, name in enumerate(names, 1)}
    cust = {}
    for n, (c, day, lines, status) in enumerate(orders, 1):
        if c is not None and c not in cust:
            cust[c] = db["customers"].insert({"key_kind": "email", "external_key": c}).last_pk
        db["orders"].insert({"id": n, "import_id": 1, "source": "t", "external_id": str(n),
                             "customer_id": cust.get(c), "ordered_at": f"{day} 10:00:00",
                             "status": status})
        for p, q in lines:
            db["order_lines"].insert({"order_id": n, "product_id": pid[p], "quantity": q,
                                      "unit_price": 2.0, "is_return": int(q < 0)})
    return db


def day(n):
    return D.day_iso(D.day_number("2024-01-01") + n)


def synthetic(path, n_customers=60, n_items=12, seed=0, personal=False, baskets=5):
    """Random shop: skewed popularity; with `personal`, each customer rebuys their own items."""
    rng = random.Random(seed)
    items = [f"item{i:02d}" for i in range(n_items)]
    weights = [1 / (i + 1) for i in range(n_items)]
    cats = {it: {"category": ["Dairy", "Bakery", "Garden"][i % 3],
                 "tags": json.dumps(["organic"] if i % 2 else ["local", "fresh"])}
            for i, it in enumerate(items)}
    orders = []
    for c in range(n_customers):
        own = rng.sample(items, 3)
        for b in range(rng.randint(1, baskets)):
            if personal:
                basket = set(rng.sample(own, 2)) | set(rng.choices(items, weights, k=1))
            else:
                basket = set(rng.choices(items, weights, k=3))
            orders.append((f"c{c}", day(c % 7 + 10 * b + rng.randint(0, 3)),
                           [(p, rng.randint(1, 3)) for p in sorted(basket)], "completed"))
    for g in range(10):   # guests
        orders.append((None, day(g), [(items[0], 1), (items[1], 1)], "completed"))
    orders.append(("c0", day(5), [(items[2], 1)], "cancelled"))
    return make_shop(path, orders, cats)


def dump(db):
    return "\n".join(db.conn.iterdump())


# ---------- data and metrics ----------

def test_load_and_holdout(tmp_path):
    db = make_shop(tmp_path / "s.db", [
        ("a", day(0), [("x", 1), ("y", 1)], "completed"),
        ("a", day(3), [("y", 1)], "completed"),
        ("a", day(9), [("z", 2)], "completed"),
        ("b", day(1), [("x", 1)], "completed"),
        ("b", day(2), [("x", -1)], "return"),
        (None, day(2), [("z", 1)], "completed"),
    ])
    data = D.load(db)
    assert data.n_users == 2 and len(data.b_user) == 4
    train, targets = D.holdout_last(data)
    a = int(np.flatnonzero(data.user_ids == 1)[0])
    assert list(targets) == [a]                    # b has one basket only
    assert data.item_ids[targets[a]].tolist() == [3]   # z
    assert len(train.b_user) == 3
    train, targets = D.holdout_days(data, 5)
    assert data.item_ids[targets[a]].tolist() == [3]


def test_metrics_by_hand():
    recs = np.array([[1, 2, 3, 4]])
    m = per_user_metrics(recs, [np.array([2, 9])], [{9}], k=4)
    assert m["recall"][0] == 0.5 and m["hit"][0] == 1.0
    assert m["ndcg"][0] == pytest.approx((1 / np.log2(3)) / (1 + 1 / np.log2(3)))
    assert m["recall_repeat"][0] == 0.0 and m["recall_new"][0] == 1.0


def test_every_model_fits_and_scores(tmp_path):
    data = D.load(synthetic(tmp_path / "s.db"))
    for cls in MODELS.values():
        model = cls().fit(data)
        s = model.score(np.arange(data.n_users))
        assert s.shape == (data.n_users, data.n_items) and np.isfinite(s).all()
        for j, w in model.explain(0, int(np.argmax(s[0]))):
            assert 0 <= w <= 1 + 1e-9
    small = EASE(max_items=3).fit(data)        # too many items for dense: the sparse EASE
    assert not small.dense and small.score(np.arange(2)).shape == (2, data.n_items)


def test_ranking_in_small_blocks_gives_the_same_lists(tmp_path):
    from engine.recommend.evaluate import rank
    data = D.load(synthetic(tmp_path / "s.db", personal=True))
    users = np.arange(data.n_users)
    for cls in MODELS.values():
        model = cls().fit(data)
        whole_items, whole_scores = rank(model, data, users, 5, block_cells=data.n_items * data.n_users)
        items, scores = rank(model, data, users, 5, block_cells=data.n_items * 7)   # 7 customers a block
        assert (items == whole_items).all() and np.allclose(scores, whole_scores)


def test_tifu_neighbours_come_from_a_bounded_pool():
    """Beyond `pool` customers, neighbours are the most active ones (cost linear in customers)."""
    import scipy.sparse as sp
    from engine.recommend.tifu import TIFUKNN
    v = sp.random(50, 30, density=0.2, random_state=0, format="csr", dtype=np.float32)
    unbounded = TIFUKNN._neighbours(v, 5)
    assert (TIFUKNN._neighbours(v, 5, chunk=7, pool=50) != unbounded).nnz == 0
    pooled = TIFUKNN._neighbours(v, 5, chunk=7, pool=10)
    active = set(np.argsort(-np.diff(v.indptr), kind="stable")[:10].tolist())
    rows, cols = pooled.nonzero()
    assert set(cols.tolist()) <= active and not (rows == cols).any()
    assert (np.diff(pooled.indptr) == 5).all()


# ---------- evidence, recomputed with independent SQL ----------

def sql_customers_who_bought(db, pid):
    return {r[0] for r in db.execute(
        """SELECT DISTINCT o.customer_id FROM orders o JOIN order_lines l ON l.order_id = o.id
           WHERE l.product_id = ? AND o.status = 'completed' AND o.customer_id IS NOT NULL
             AND l.is_return = 0 AND l.quantity > 0""", [pid])}


def trip_days(db, cid, pid):
    """Julian days on which the customer bought the product (one trip per day)."""
    return [r[0] for r in db.execute(
        """SELECT DISTINCT julianday(date(o.ordered_at)) FROM orders o
           JOIN order_lines l ON l.order_id = o.id WHERE o.customer_id = ? AND l.product_id = ?
           AND o.status = 'completed' AND l.is_return = 0 AND l.quantity > 0
           ORDER BY 1""", [cid, pid])]


def test_evidence_numbers_recomputed_by_sql(tmp_path):
    db = synthetic(tmp_path / "s.db", personal=True)
    run_id = R.run_recommendations(db, limit=5)
    as_of = db.execute("SELECT date(max(ordered_at)) FROM orders").fetchone()[0]
    n_all = db.execute("""SELECT count(DISTINCT o.customer_id) FROM orders o JOIN order_lines l
        ON l.order_id = o.id WHERE o.status = 'completed' AND o.customer_id IS NOT NULL
        AND l.is_return = 0 AND l.quantity > 0""").fetchone()[0]
    buyers = {p: sql_customers_who_bought(db, p) for (p,) in db.execute("SELECT id FROM products")}
    rows = db.execute("SELECT customer_id, product_id, kind, evidence FROM recommendations "
                      "WHERE run_id = ?", [run_id]).fetchall()
    assert rows
    seen_kinds = set()
    for cid, pid, kind, ev in rows:
        e = evidence.decode(ev)
        seen_kinds.add(kind)
        assert e["as_of"] == as_of and e["kind"] == kind
        prod = db.execute("SELECT name, sku, price FROM products WHERE id = ?", [pid]).fetchone()
        assert (e["product"]["name"], e["product"]["sku"], e["product"]["price"]) == prod
        # kind: reorder exactly when the customer bought it before
        assert (kind == "reorder") == (cid in buyers[pid])
        # popularity
        assert e["popularity"]["customers"] == len(buyers[pid])
        assert e["popularity"]["rank"] == 1 + sum(len(b) > len(buyers[pid]) for b in buyers.values())
        # co-purchase
        c = e["co_purchase"]
        if c:
            a = c["with_product_id"]
            assert cid in buyers[a]
            both = len(buyers[a] & buyers[pid])
            assert c["customers_with"] == len(buyers[a]) and c["customers_both"] == both
            assert c["confidence"] == pytest.approx(both / len(buyers[a]))
            assert c["support"] == pytest.approx(both / n_all)
            assert c["lift"] == pytest.approx(both / len(buyers[a]) / (len(buyers[pid]) / n_all))
            assert both >= 2 and c["lift"] > 1
            last_with = db.execute("SELECT julianday(?)", [c["with_last_bought"]]).fetchone()[0]
            assert last_with == trip_days(db, cid, a)[-1]   # their last trip with the partner
            assert f"They last bought {c['with_title']} on {c['with_last_bought']}." in " ".join(evidence_in_words(e))
        # content match: the day they last bought the product that shares an attribute
        if m := e["content_match"]:
            assert db.execute("SELECT julianday(?)", [m["last_bought"]]).fetchone()[0] == \
                trip_days(db, cid, m["product_id"])[-1]
            assert f"They bought {m['title']} (last on {m['last_bought']})" in " ".join(evidence_in_words(e))
            seen_kinds.add("content")
        # a product never bought: the day of their last order, and the customers who bought it on a later day
        last_order = db.execute("""SELECT max(julianday(date(o.ordered_at))) FROM orders o JOIN order_lines l
            ON l.order_id = o.id WHERE o.customer_id = ? AND o.status = 'completed' AND l.is_return = 0
            AND l.quantity > 0""", [cid]).fetchone()[0]
        if kind == "discover" and last_order is not None:
            later = db.execute("""SELECT count(DISTINCT o.customer_id) FROM orders o JOIN order_lines l
                ON l.order_id = o.id WHERE l.product_id = ? AND o.status = 'completed' AND o.customer_id IS NOT NULL
                AND l.is_return = 0 AND l.quantity > 0 AND julianday(date(o.ordered_at)) > ?""",
                               [pid, last_order]).fetchone()[0]
            pop = e["popularity"]
            assert db.execute("SELECT julianday(?)", [pop["last_order"]]).fetchone()[0] == last_order
            assert pop["customers_since"] == later
            seen_kinds.add("since")
        else:
            assert "last_order" not in e["popularity"]
        # reorder cycle: trips are distinct days; the expected gap shrinks the customer's median
        # gap toward the median of every customer's gaps for the product
        days = trip_days(db, cid, pid)
        r = e["reorder"]
        if kind == "discover":
            assert r is None
        else:
            assert r["times_bought"] == len(days)
            last = db.execute("SELECT julianday(?)", [as_of]).fetchone()[0]
            assert r["days_since_last"] == round(last - days[-1])
            gaps = [b - a for a, b in zip(days, days[1:])]
            assert r["typical_days_between"] == (statistics.median(gaps) if gaps else None)
            everyone = [b - a for c in buyers[pid] for ds in [trip_days(db, c, pid)] for a, b in zip(ds, ds[1:])]
            item_gap = statistics.median(everyone) if everyone else None
            assert r["item_typical_days_between"] == item_gap
            rebuyers = sum(len(trip_days(db, c, pid)) >= 2 for c in buyers[pid])
            consumable = rebuyers >= 0.1 * len(buyers[pid])
            if gaps and item_gap is not None:
                expected = (len(gaps) * statistics.median(gaps) + 2 * item_gap) / (len(gaps) + 2)
            else:
                expected = item_gap if consumable else None
            if expected is None:
                assert r["expected_days_between"] is None and r["due_in_days"] is None
                assert r["timing"] == "bought_before" and e["kind_reason"] == "bought before"
            else:
                assert r["expected_days_between"] == pytest.approx(expected, abs=0.06)
                assert r["due_in_days"] == pytest.approx(expected - r["days_since_last"], abs=0.06)
                assert r["due_date"] == db.execute("SELECT date(?, ?)", [r["last_bought"],
                                                   f"+{round(expected)} days"]).fetchone()[0]
                lapsed = -r["due_in_days"] > max(r["expected_days_between"], evidence.DUE_SOON_DAYS)
                assert r["timing"] == ("bought_before" if lapsed else
                                       "due" if r["due_in_days"] <= evidence.DUE_SOON_DAYS else "coming_up")
        # affinity: share of the customer's distinct products carrying the label
        if e["affinity"]:
            label = e["affinity"]["label"]
            owned = [p for p, b in buyers.items() if cid in b]
            with_label = [p for p in owned if db.execute(
                "SELECT category = ? OR tags LIKE ? FROM products WHERE id = ?",
                [label, f'%"{label}"%', p]).fetchone()[0]]
            assert e["affinity"]["share"] == pytest.approx(len(with_label) / len(owned))
        # contributors: the customer's own past items, shares of the score
        for ctb in e["contributors"]:
            assert cid in buyers[ctb["product_id"]] and 0 <= ctb["weight"] <= 1 + 1e-9
        assert sum(ctb["weight"] for ctb in e["contributors"]) <= 1 + 1e-6
    assert seen_kinds == {"reorder", "discover", "since", "content"}


# ---------- odd customers and tiny shops ----------

def test_one_order_returns_only_and_unknown_customer(tmp_path):
    orders = [(f"c{i}", day(i), [("milk", 1), ("bread", 1)], "completed") for i in range(5)]
    orders += [("c0", day(20), [("milk", 1), ("eggs", 1)], "completed"),
               ("once", day(3), [("eggs", 1)], "completed"),
               ("returner", day(4), [("bread", -1)], "return"),
               (None, day(5), [("milk", 1), ("eggs", 1)], "completed")]
    db = make_shop(tmp_path / "s.db", orders)
    R.run_recommendations(db, limit=10)
    ids = dict(db.execute("SELECT external_key, id FROM customers").fetchall())
    once = customer_recommendations(db, ids["once"])
    assert once and len(once) <= 3
    returner = customer_recommendations(db, ids["returner"])
    assert returner and all(r["kind"] == "discover" for r in returner)
    assert "no purchases" in returner[0]["evidence"]["note"]
    assert customer_recommendations(db, 99999) == []


def test_shop_with_three_products(tmp_path):
    orders = [(f"c{i % 4}", day(i), [(p, 1) for p in ["a", "b", "c"][: 1 + i % 3]], "completed")
              for i in range(12)]
    db = make_shop(tmp_path / "s.db", orders)
    res = R.evaluate_shop(db)
    assert res["results"] and res["selection"]["model"] == "p-topfreq"   # too few to compare: tied best sellers
    assert "too few" in res["selection"]["note"]
    assert {r["model"] for r in res["results"]} == {"popularity", "p-topfreq"}   # the fallback against best sellers
    R.run_recommendations(db, limit=10)
    for cid in range(1, 5):
        recs = customer_recommendations(db, cid)
        assert 1 <= len(recs) <= 3 and len({r["product_id"] for r in recs}) == len(recs)


def test_empty_shop_gives_clear_message(tmp_path, capsys):
    path = tmp_path / "empty.db"
    open_shop(path).conn.close()
    with pytest.raises(R.NotEnoughData, match="import orders"):
        R.run_recommendations(open_shop(path))
    assert run_cli("recommend", "--db", str(path)) == 1
    assert "import orders" in capsys.readouterr().err


# ---------- selection ----------

def test_selection_keeps_best_sellers_accuracy_when_popularity_is_best(tmp_path):
    db = synthetic(tmp_path / "s.db", n_customers=300, n_items=30, seed=1, baskets=6)
    choice = R.selection(db)
    best = max(choice["validation"], key=lambda v: v["ndcg@10"])
    assert best["model"] == "popularity"
    # a more personal list is chosen only when it is as accurate (select.py: non-inferior)
    chosen = next(v for v in choice["validation"] if (v["model"], v["params"], v["min_repeat_share"])
                  == (choice["model"], choice["params"], choice["min_repeat_share"]))
    assert chosen["non_inferior"] and chosen["ndcg@10"] >= 0.95 * best["ndcg@10"]


def test_selection_finds_a_personal_model_when_repeats_dominate(tmp_path):
    db = synthetic(tmp_path / "s.db", n_customers=300, n_items=30, seed=1, baskets=6, personal=True)
    choice = R.selection(db)
    assert choice["model"] in ("p-topfreq", "tifu-knn", "repeat-explore")


def test_one_off_items_are_not_pushed_back(tmp_path):
    # Everyone buys milk again and again; each guitar is bought once by one customer.
    orders = []
    for c in range(30):
        orders += [(f"c{c}", day(d), [("milk", 1)], "completed") for d in (0, 7, 14)]
        orders.append((f"c{c}", day(20), [(f"guitar{c % 3}", 1)], "completed"))
    db = make_shop(tmp_path / "s.db", orders)
    R.run_recommendations(db)
    ids = dict(db.execute("SELECT external_key, id FROM customers").fetchall())
    recs = customer_recommendations(db, ids["c0"])
    milk = next(r for r in recs if r["product"] == "milk")
    assert milk["kind"] == "reorder" and milk["evidence"]["reorder"]["typical_days_between"] == 7
    if R.selection(db)["min_repeat_share"] > 0:
        assert "guitar0" not in [r["product"] for r in recs]


# ---------- storage, cancel, evaluation ----------

def test_runs_and_evaluations_are_stored(tmp_path):
    db = synthetic(tmp_path / "s.db", personal=True)
    res = R.evaluate_shop(db)
    stored = json.loads(db.execute("SELECT results FROM evaluations WHERE kind = 'recommend'").fetchone()[0])
    assert stored["selection"]["model"] == res["selection"]["model"]
    r0 = res["results"][0]
    for key in ("recall@10", "ndcg@10", "hit@10", "recall@5", "recall_repeat@10", "recall_new@10",
                "coverage@10"):
        assert key in r0
    assert {r["split"] for r in res["results"]} == {"last_basket", "last_30_days", "basket_completion"}
    assert sum(r["selected"] for r in res["results"]) == 3   # selected model, on every split
    for r in res["results"]:
        if r["users"]:
            lo, hi = r["ci"]["ndcg@10"]
            assert lo <= r["ndcg@10"] <= hi
    pop = next(r for r in res["results"] if r["model"] == "popularity" and r["split"] == "last_basket")
    assert pop["personalisation"] == 0.0 or pop["min_repeat_share"] > 0   # the same list for everyone
    run_id = R.run_recommendations(db)
    run = db.execute("SELECT model, params, scores FROM recommendation_runs WHERE id = ?", [run_id]).fetchone()
    assert run[0] == res["selection"]["model"]
    assert json.loads(run[1])["as_of"] == db.execute("SELECT date(max(ordered_at)) FROM orders").fetchone()[0]
    n_customers = db.execute("SELECT count(*) FROM customers").fetchone()[0]
    assert db.execute("SELECT count(DISTINCT customer_id) FROM recommendations WHERE run_id = ?",
                      [run_id]).fetchone()[0] == n_customers


@pytest.mark.parametrize("stage", ["Trying suggestion method", "Writing"])
def test_cancel_leaves_the_database_unchanged(tmp_path, stage):
    db = synthetic(tmp_path / "s.db", personal=True)
    R.run_recommendations(db)          # an earlier run exists
    db.execute("DELETE FROM settings")  # force a fresh selection
    before = dump(db)
    token = CancelToken()

    def progress(p):
        if p.message.startswith(stage):
            token.cancel()

    with pytest.raises(Cancelled):
        R.run_recommendations(db, progress=progress, cancel=token)
    assert dump(db) == before


# ---------- bundles and tags ----------

def test_bundles_pairs_and_triples(tmp_path):
    orders = [("a", day(1), [("tea", 1), ("milk", 1), ("sugar", 1)], "completed"),
              ("b", day(2), [("tea", 1), ("milk", 1), ("sugar", 1)], "completed"),
              (None, day(3), [("tea", 1), ("milk", 1), ("sugar", 1)], "completed"),
              (None, day(4), [("tea", 1), ("milk", 1)], "completed"),
              ("c", day(5), [("tea", 1), ("bread", 1)], "completed"),
              ("c", day(6), [("bread", 1), ("jam", 1)], "completed"),
              ("c", day(6), [("tea", 1), ("milk", 1)], "cancelled")]
    db = make_shop(tmp_path / "s.db", orders)
    found = R.bundles(db, min_support=3)
    by = {frozenset(b["names"]): b for b in found}
    assert set(by) == {frozenset({"tea", "milk"}), frozenset({"tea", "sugar"}),
                       frozenset({"milk", "sugar"}), frozenset({"tea", "milk", "sugar"})}
    tm = by[frozenset({"tea", "milk"})]       # rule tea -> milk: 4 of 5 tea orders, 6 orders
    assert tm["names"] == ["tea", "milk"] and tm["orders"] == 4
    assert tm["support"] == pytest.approx(4 / 6) and tm["confidence"] == pytest.approx(4 / 5)
    assert tm["lift"] == pytest.approx((4 / 5) / (4 / 6))
    tri = by[frozenset({"tea", "milk", "sugar"})]
    assert tri["names"][-1] == "sugar" and tri["confidence"] == pytest.approx(3 / 4)


def test_customer_tags(tmp_path):
    products = {"brie": {"category": "Cheese", "tags": "french, soft"},
                "gouda": {"category": "Cheese", "tags": "dutch"},
                "rye bread": {"category": "Bakery"}}
    db = make_shop(tmp_path / "s.db", [("a", day(1), [("brie", 1), ("gouda", 1)], "completed"),
                                       ("a", day(2), [("rye bread", 1)], "completed")], products)
    tags = customer_tags(db, 1)
    assert tags[0] == {"label": "Cheese", "kind": "category", "share": pytest.approx(2 / 3)}
    assert {"Bakery", "french"} <= {t["label"] for t in tags}
    assert customer_tags(db, 42) == []


# ---------- CLI ----------

def run_cli(*argv):
    return cli.main(list(argv))


def db_runs(path):
    db = open_shop(path)
    n = db.execute("SELECT count(*) FROM recommendation_runs").fetchone()[0]
    db.conn.close()
    return n


def test_cli_evaluate_and_recommend(tmp_path, capsys):
    path = tmp_path / "s.db"
    synthetic(path, personal=True).conn.close()
    assert run_cli("evaluate", "--db", str(path)) == 0
    out = capsys.readouterr().out
    assert "popularity" in out and "ndcg@10" in out and "*" in out
    assert "[" in out and "basket_completion" in out      # intervals printed; the second protocol
    assert run_cli("recommend", "--db", str(path), "--customer", "1", "--limit", "3") == 0
    out = capsys.readouterr().out
    assert "Customer 1" in out and any(f"[{label:<13}]" in out for label in LABELS.values())
    runs = db_runs(path)
    assert run_cli("recommend", "--db", str(path), "--customer", "2", "--limit", "3") == 0
    assert "stored" in capsys.readouterr().out and db_runs(path) == runs     # orders unchanged: no new run
    db = open_shop(path)
    db["orders"].update(1, {"ordered_at": "2024-01-02 11:00:00"})
    db.conn.close()
    assert run_cli("recommend", "--db", str(path), "--customer", "2", "--limit", "3") == 0
    assert "stored" not in capsys.readouterr().out and db_runs(path) == runs + 1
    assert run_cli("recommend", "--db", str(path), "--customer", "999") == 1
    assert run_cli("recommend", "--db", str(tmp_path / "missing.db")) == 1


def test_basket_completion_hides_one_item_of_each_last_basket(tmp_path):
    from engine.recommend.evaluate import completion_split, evaluate_completion, personalisation
    db = synthetic(tmp_path / "s.db", personal=True)
    data = D.load(db)
    train, hidden, rest = completion_split(data)
    last = {int(u): b for b, u in enumerate(data.b_user)}          # each user's last basket row
    for u, (h,) in hidden.items():
        full = set(data.baskets[last[u]].indices.tolist())
        assert len(full) >= 2 and h in full and set(rest[u].tolist()) == full - {h}
        assert set(train.baskets[last[u]].indices.tolist()) == full - {h}
    r = evaluate_completion(MODELS["item-knn"](k=50), data, split=(train, hidden, rest))
    assert r["users"] == len(hidden) and r["recall@10"] == r["hit@10"]    # one hidden item each
    assert personalisation(np.array([[1, 2], [2, 1], [1, 3]])) == pytest.approx(1 / 3)


def test_variants_and_offers_are_one_product(tmp_path):
    from engine.products import base_name, product_groups, split_names
    assert base_name("Positioning Bed Pad - Buy 1") == "Positioning Bed Pad"
    assert base_name("Tea - Earl Grey") == "Tea - Earl Grey"
    split = split_names({1: "Pad - Buy 1", 2: "Pad - Buy 2", 3: "Bibs Pacifier - Smoke / Size 2",
                         4: "Bibs Pacifier - Black / Size 2", 5: "Tea - Earl Grey", 6: "Pillow"})
    assert split[3] == ("Bibs Pacifier", "Smoke / Size 2") and split[5] == ("Tea - Earl Grey", None)
    groups = product_groups({pid: title for pid, (title, _) in split.items()}, {2: 5})
    assert groups == {1: 2, 2: 2, 3: 3, 4: 3, 5: 5, 6: 6}
    orders = []
    for c in range(12):   # everyone buys a pad (either offer) with a pillow or a sheet
        orders.append((f"c{c}", day(c), [(f"Pad - Buy {1 + c % 2}", 1), ("Pillow" if c % 3 else "Sheet", 1)],
                       "completed"))
    orders += [("c0", day(30), [("Pad - Buy 2", 1)], "completed"),   # c0 rebuys the other offer
               (None, day(31), [("Pad - Buy 1", 1), ("Pad - Buy 2", 1), ("Sheet", 1)], "completed")]
    db = make_shop(tmp_path / "s.db", orders)
    R.run_recommendations(db)
    ids = dict(db.execute("SELECT external_key, id FROM customers").fetchall())
    for key in ("c0", "c1", "c2"):
        pads = [r for r in customer_recommendations(db, ids[key]) if r["product"].startswith("Pad")]
        assert len(pads) <= 1 and all(r["kind"] == "reorder" for r in pads)   # never its own variant
    c0 = {r["product"]: r for r in customer_recommendations(db, ids["c0"])}
    pad = next(r for name, r in c0.items() if name.startswith("Pad"))
    assert pad["evidence"]["reorder"]["times_bought"] == 2                    # Buy 1, then Buy 2
    assert all(len({db.execute("SELECT name FROM products WHERE id = ?", [p]).fetchone()[0][:3]
                    for p in b["products"]}) == len(b["products"]) for b in R.bundles(db, min_support=1))


# ---------- reorder timing ----------

def timing_shop(path):
    """As of day 40: everyone buys milk weekly; 'weekly' also bought milk twice on day 14 (one trip);
    'monthly' buys beans every 30 days (last on day 30: due in 20); a guitar nobody rebuys;
    tea is rebought every 10 days by most, and 'newtea' had it once, on day 38."""
    orders = []
    for c in range(8):
        orders += [(f"m{c}", day(d), [("milk", 1)], "completed") for d in (0, 7, 14, 21, 28)]
        orders += [(f"m{c}", day(d), [("tea", 1)], "completed") for d in (5, 15)]
    orders += [("weekly", day(d), [("milk", 1)], "completed") for d in (0, 7, 14, 14, 21)]
    orders += [("weekly", day(20), [("guitar", 1)], "completed")]
    orders += [("monthly", day(d), [("beans", 1)], "completed") for d in (0, 30)]
    orders += [("newtea", day(38), [("tea", 1)], "completed"), ("other", day(40), [("milk", 1)], "completed")]
    return make_shop(path, orders)


def test_due_coming_up_and_bought_before(tmp_path):
    db = timing_shop(tmp_path / "s.db")
    R.run_recommendations(db)
    ids = dict(db.execute("SELECT external_key, id FROM customers").fetchall())
    def cycles(key):
        return {r["product"]: r["evidence"]["reorder"] for r in customer_recommendations(db, ids[key])
                if r["kind"] == "reorder"}
    weekly = cycles("weekly")
    # two orders on day 14 are one trip: 4 trips 7 days apart, not a 0-day cycle
    assert weekly["milk"]["times_bought"] == 4 and weekly["milk"]["typical_days_between"] == 7
    assert weekly["milk"]["timing"] == "due" and weekly["milk"]["due_in_days"] < 0   # last on day 21
    assert "guitar" not in weekly    # bought once, nobody rebuys guitars: the one-off rule keeps it out
    guitar = cycle([D.day_number(day(20))], D.day_number(day(40)), float("nan"), consumable=False)
    assert guitar["timing"] == "bought_before" and guitar["due_in_days"] is None and guitar["due_date"] is None
    lapsed = cycle([D.day_number(day(d)) for d in (0, 7, 14)], D.day_number(day(40)), 7.0)
    assert lapsed["due_in_days"] == -19 and lapsed["timing"] == "bought_before"   # stopped buying it
    beans = cycles("monthly")["beans"]
    assert beans["expected_days_between"] == 30 and beans["due_in_days"] == 20
    assert beans["timing"] == "coming_up" and beans["due_date"] == day(60)
    tea = cycles("newtea")["tea"]   # bought once, but a consumable: the shop's gap applies
    assert tea["times_bought"] == 1 and tea["typical_days_between"] is None
    assert tea["expected_days_between"] == 10 and tea["due_in_days"] == 8 and tea["timing"] == "due"


def test_repeat_ranker_puts_due_items_before_items_not_due(tmp_path):
    from engine.recommend.repeat import Repeat
    db = timing_shop(tmp_path / "s.db")
    data = D.load(db)
    u = int(np.flatnonzero(data.user_ids == db.execute(
        "SELECT id FROM customers WHERE external_key = 'monthly'").fetchone()[0])[0])
    beans = int(np.flatnonzero(data.item_ids == db.execute(
        "SELECT id FROM products WHERE name = 'beans'").fetchone()[0])[0])
    timed = Repeat(beta=1.0, item_weight=0.0).fit(data).score(np.array([u]))[0, beans]
    untimed = Repeat(beta=0.0, item_weight=0.0).fit(data).score(np.array([u]))[0, beans]
    assert 0 < timed < untimed    # 10 of 30 days into the cycle: a third as likely now


# ---------- the best-seller fill: tied best sellers first (topfreq.py, ties.py) ----------

def test_best_sellers_tied_to_the_customer_fill_first(tmp_path):
    # B is the top seller; A sells less but 3 customers bought it with C; the customer bought only C.
    orders = [(f"b{n}", day(n), [("B", 1)], "completed") for n in range(10)]
    orders += [(f"a{n}", day(n), [("A", 1)], "completed") for n in range(5)]
    orders += [(f"ac{n}", day(n), [("A", 1), ("C", 1)], "completed") for n in range(3)]
    orders += [("t", day(20), [("C", 1)], "completed")]
    data = D.load(make_shop(tmp_path / "s.db", orders))
    name = dict(zip(data.item_ids.tolist(), ["A", "B", "C"]))
    t = int(np.flatnonzero(data.user_ids == max(data.user_ids))[0])   # the last customer inserted: "t"

    def top(fill):
        from engine.recommend.topfreq import PersonalTopFreq
        s = PersonalTopFreq(fill=fill).fit(data).score(np.array([t]))[0]
        return [name[int(data.item_ids[i])] for i in np.argsort(-s, kind="stable")]
    assert top("tied") == ["C", "A", "B"]          # A goes with the C they bought
    assert top("popularity") == ["C", "B", "A"]    # the paper's P-TopFreq: best sellers in order


def test_a_few_untied_best_sellers_come_before_the_tied_products_beyond_them(tmp_path, monkeypatch):
    """With a fill beyond the best sellers (here the top 3: B1, B2, B3), `untied` of the best sellers with no tie
    to the customer, the most popular first, come after the tied best seller (B3, bought with the C they bought)
    and before the tied product that is not a best seller (L); the others after it."""
    import engine.recommend.topfreq as topfreq
    monkeypatch.setattr(topfreq, "BEST_SELLER_RANK", 3)
    orders = [(f"b1{n}", day(n), [("B1", 1)], "completed") for n in range(10)]
    orders += [(f"b2{n}", day(n), [("B2", 1)], "completed") for n in range(9)]
    orders += [(f"b3{n}", day(n), [("B3", 1)], "completed") for n in range(5)]
    orders += [(f"bc{n}", day(n), [("B3", 1), ("C", 1)], "completed") for n in range(3)]
    orders += [(f"lc{n}", day(n), [("L", 1), ("C", 1)], "completed") for n in range(2)]
    orders += [("l", day(3), [("L", 1)], "completed")] + [(f"m{n}", day(n), [("M", 1)], "completed") for n in range(2)]
    orders += [("t", day(20), [("C", 1)], "completed")]
    db = make_shop(tmp_path / "s.db", orders)
    data = D.load(db)
    names = {int(r[0]): r[1] for r in db.execute("SELECT id, name FROM products")}
    key = {int(r[0]): r[1] for r in db.execute("SELECT id, external_key FROM customers")}
    t = [u for u, c in enumerate(data.user_ids.tolist()) if key[c] == "t"][0]

    def order(**params):
        s = topfreq.PersonalTopFreq(**params).fit(data).score(np.array([t]))[0]
        return [names[int(data.item_ids[i])] for i in np.argsort(-s, kind="stable")]
    assert order(fill_rank=3) == ["C", "B3", "B1", "B2", "L", "M"]          # best sellers, the tied one first
    assert order(fill_rank=500) == ["C", "B3", "L", "B1", "B2", "M"]        # everything tied first
    assert order(fill_rank=500, untied=1) == ["C", "B3", "B1", "L", "B2", "M"]
    assert order(fill_rank=500, untied=2) == ["C", "B3", "B1", "B2", "L", "M"]


def test_a_shared_attribute_ties_a_best_seller(tmp_path):
    products = {"Mug": {"category": "Kitchen"}, "Hose": {"category": "Garden"},
                "Rake": {"category": "Garden"}, "Spade": {"category": "Garden"}}
    orders = [(f"m{n}", day(n), [("Mug", 1)], "completed") for n in range(9)]
    orders += [(f"h{n}", day(n), [("Hose", 1)], "completed") for n in range(4)]
    orders += [("t", day(20), [("Rake", 1)], "completed"), ("u", day(21), [("Spade", 1)], "completed")]
    db = make_shop(tmp_path / "s.db", orders, products)
    data = D.load(db)
    from engine.recommend.topfreq import PersonalTopFreq
    model = PersonalTopFreq().fit(data)
    names = {int(r[0]): r[1] for r in db.execute("SELECT id, name FROM products")}
    key = {int(r[0]): r[1] for r in db.execute("SELECT id, external_key FROM customers")}
    t = [u for u, c in enumerate(data.user_ids.tolist()) if key[c] == "t"][0]
    order = [names[int(data.item_ids[i])] for i in np.argsort(-model.score(np.array([t]))[0], kind="stable")]
    assert order == ["Rake", "Hose", "Spade", "Mug"]   # Garden like their Rake, though the Mug sells more


@pytest.mark.parametrize("fill_rank", [None, 6])
def test_the_fill_is_tied_exactly_when_the_evidence_names_a_tie(tmp_path, fill_rank):
    """The model's tie and the evidence's are one definition: among the never-bought products the fill
    draws on (the best sellers, or the `fill_rank` most popular), those whose evidence names a co-purchase
    or a content match come first, and an untied one is listed only when no tied one is left out."""
    from engine.recommend.evaluate import rank
    from engine.recommend.explain import EvidenceBuilder
    from engine.recommend.ties import tied
    from engine.recommend.topfreq import PersonalTopFreq
    rng = random.Random(3)
    names = [f"{colour} {thing}" for thing in ("mug", "bag", "lamp", "card") for colour in
             ("red", "blue", "green", "pink", "spotty")]
    weights = [1 / (i + 1) for i in range(len(names))]
    orders = []
    for c in range(120):
        for b in range(rng.randint(1, 3)):
            basket = set(rng.choices(names, weights, k=rng.randint(1, 4)))
            orders.append((f"c{c}", day(10 * b + rng.randint(0, 5)), [(p, 1) for p in sorted(basket)],
                           "completed"))
    db = make_shop(tmp_path / "s.db", orders)
    data = D.load(db)
    model = (PersonalTopFreq() if fill_rank is None else PersonalTopFreq(fill_rank=fill_rank)).fit(data)
    assert len(model.fill_items) == (len(names) if fill_rank is None else fill_rank)
    users = np.arange(data.n_users)
    items, _ = rank(model, data, users, 10, 0.0)
    from engine.products import load_products
    ev = EvidenceBuilder(data, load_products(db), data.last_day(), model.name)
    owned = data.binary()
    all_tied = tied(owned, model.links, model.attributes, model.fill_items)
    checked = 0
    for u in users:
        evs = ev.for_user(int(u), [(int(i), 1.0) for i in items[u]], model, [])
        fill = [(int(i), bool(e["co_purchase"] or e["content_match"])) for i, e in zip(items[u], evs)
                if e["kind"] == "discover" and int(i) in set(model.fill_items.tolist())]
        flags = [f for _, f in fill]
        assert flags == sorted(flags, reverse=True), (u, fill)   # tied ones first
        model_flags = dict(zip(model.fill_items.tolist(), all_tied[u]))
        assert all(model_flags[i] == f for i, f in fill)          # the same tie, item by item
        if fill and not flags[-1]:                                # an untied one listed: no tied one left out
            listed = {i for i, _ in fill}
            assert not any(model_flags[i] and i not in listed and owned[u, i] == 0 for i in model_flags)
        checked += len(fill)
    assert checked > 50
