"""Discovery and selection on small real SQLite shops: the sparse EASE, the paper's grouped
TIFU-KNN, the item-content ranker and the most-personal-of-the-best selection."""

import json

import numpy as np
import pytest
import scipy.sparse as sp

import engine.recommend as R
from engine.recommend import data as D
from engine.recommend.content import ItemContent
from engine.recommend.ease import EASE, sparse_weights
from engine.recommend.select import METRIC, PERSONAL, most_personal_of_the_best, pool
from engine.recommend.tifu import GroupedTIFUKNN, TIFUKNN
from tests.test_recommend import day, make_shop, synthetic


def test_sparse_ease_uses_lambda_beyond_the_dense_limit(tmp_path):
    data = D.load(synthetic(tmp_path / "s.db", n_customers=300, n_items=30, seed=1, baskets=6, personal=True))
    users = np.arange(data.n_users)
    low, high = (EASE(lam=lam, max_items=20).fit(data) for lam in (10.0, 1000.0))
    assert not low.dense and not high.dense                  # 30 items: beyond the (lowered) limit
    assert np.abs(low.score(users) - high.score(users)).max() > 0.01
    # Each column is the ridge regression of the item on its most co-bought items, by hand.
    x = data.binary().toarray()
    g = x.T @ x
    b = sparse_weights(sp.csr_matrix(g), 50.0, neighbours=5).toarray()
    for i in range(data.n_items):
        near = np.flatnonzero(b[:, i])
        assert len(near) <= 5 and i not in near
        others = np.delete(g[:, i], i)
        assert g[near, i].min() >= np.sort(others)[-5]      # the five most co-bought (ties either way)
        solved = np.linalg.solve(g[np.ix_(near, near)] + 50.0 * np.eye(len(near)), g[near, i])
        assert b[near, i] == pytest.approx(solved, rel=1e-4)


def test_dense_ease_is_the_closed_form(tmp_path, monkeypatch):
    import engine.recommend.ease as ease
    monkeypatch.setattr(ease, "GRAM_BLOCK", 7)                 # 30 items: the Gram matrix in five blocks,
    monkeypatch.setattr(ease, "MIRROR_BLOCK", 7)               # the inverse mirrored in five
    data = D.load(synthetic(tmp_path / "s.db", n_customers=300, n_items=30, seed=1, baskets=6, personal=True))
    model = EASE(lam=50.0).fit(data)
    x = data.binary().toarray()
    p = np.linalg.inv(x.T @ x + 50.0 * np.eye(data.n_items))
    b = np.eye(data.n_items) - p / np.diag(p)
    np.fill_diagonal(b, 0.0)
    assert model.dense and np.allclose(model.b, b, atol=1e-6) and model.b.flags["C_CONTIGUOUS"]


def test_ease_is_a_candidate_beyond_the_dense_limit(tmp_path, monkeypatch):
    db = synthetic(tmp_path / "s.db", n_customers=300, n_items=30, seed=1, baskets=6, personal=True)
    monkeypatch.setattr(EASE, "MAX_ITEMS", 20)
    tried = {(v["model"], json.dumps(v["params"], sort_keys=True)) for v in R.selection(db)["validation"]}
    lams = {json.loads(p)["lam"] for name, p in tried if name == "ease"}
    assert lams == {100.0, 500.0, 2000.0}


def test_grouped_tifu_decays_within_and_across_groups(tmp_path):
    # One customer, five baskets of one new item each: the customer's vector is each basket's weight.
    orders = [("a", day(d), [(f"item{d}", 1)], "completed") for d in range(5)]
    orders += [("b", day(1), [("item0", 1), ("item4", 1)], "completed")]
    data = D.load(make_shop(tmp_path / "s.db", orders))
    model = GroupedTIFUKNN(group_size=2, within=0.5, across=0.25, k=1, alpha=1.0).fit(data)
    a = int(np.flatnonzero(data.user_ids == 1)[0])
    item = {int(pid): n for n, pid in enumerate(data.item_ids)}   # product ids 1..5 are item0..item4
    own = model.own[a].toarray().ravel()
    # newest first: group 0 = item4, item3; group 1 = item2, item1; the oldest group holds item0 alone
    expected = {5: 1 / 2 * 1 / 3, 4: 0.5 / 2 * 1 / 3, 3: 1 / 2 * 0.25 / 3, 2: 0.5 / 2 * 0.25 / 3,
                1: 1 / 1 * 0.25 ** 2 / 3}
    for pid, w in expected.items():
        assert own[item[pid]] == pytest.approx(w)


def test_grouped_tifu_neighbours_are_the_nearest_by_euclidean_distance():
    # u1 points the same way as u0 but is far; u2 points elsewhere but is near.
    v = sp.csr_matrix(np.array([[1.0, 0.0], [3.0, 0.0], [0.0, 1.0]], dtype=np.float32))
    cosine = TIFUKNN._neighbours(v, 1)
    euclidean = TIFUKNN._neighbours(v, 1, euclidean=True)
    assert cosine[0].nonzero()[1].tolist() == [1]
    assert euclidean[0].nonzero()[1].tolist() == [2]


def catalogue_shop(path):
    """Regulars buy bread with one product of a range; the ranges' products are never bought together."""
    products = {"Oat milk": {"category": "Dairy", "vendor": "Acme"},
                "Goat cheese": {"category": "Dairy", "vendor": "Acme"},
                "Rose seeds": {"category": "Garden", "vendor": "Greenly"},
                "Tulip bulbs": {"category": "Garden", "vendor": "Greenly"},
                "Bread": {"category": "Bakery", "vendor": "Oven"}}
    orders = []
    for c, other in enumerate(["Oat milk", "Goat cheese", "Rose seeds", "Tulip bulbs"] * 5):
        orders.append((f"c{c}", day(c), [("Bread", 1), (other, 1)], "completed"))
    orders += [("x", day(30), [("Oat milk", 1)], "completed"),
               ("y", day(30), [("Rose seeds", 1)], "completed")]
    return make_shop(path, orders, products)


def test_item_content_list_depends_on_a_one_order_customers_basket(tmp_path):
    db = catalogue_shop(tmp_path / "s.db")
    data = D.load(db)
    ids = dict(db.execute("SELECT external_key, id FROM customers").fetchall())
    names = dict(db.execute("SELECT id, name FROM products").fetchall())
    users = np.array([int(np.flatnonzero(data.user_ids == ids[c])[0]) for c in ("x", "y")])
    model = ItemContent(w=0.7, k=10).fit(data)
    s = model.score(users)
    s[data.binary()[users].toarray() > 0] = -np.inf              # what they bought is not discovery
    firsts = [names[int(data.item_ids[np.argmax(row)])] for row in s]
    assert firsts == ["Goat cheese", "Tulip bulbs"]            # same category and vendor, never co-bought
    explained = model.explain(int(users[0]), int(np.argmax(s[0])))
    assert [names[int(data.item_ids[j])] for j, _ in explained] == ["Oat milk"]


def test_selection_prefers_the_more_personal_of_two_non_inferior_candidates():
    rng = np.random.default_rng(0)
    best = rng.random(2000)
    entries = [{"model": "popularity", METRIC: best.mean(), PERSONAL: 0.0},
               {"model": "personal, as good", METRIC: best.mean() - 0.001, PERSONAL: 0.6},
               {"model": "more personal, worse", METRIC: best.mean() - 0.1, PERSONAL: 0.9}]
    values = [best, best - 0.001, best - 0.1]
    assert most_personal_of_the_best(entries, values) == 1
    assert [e["non_inferior"] for e in entries] == [True, True, False]


def test_selection_pools_the_folds_by_customer():
    def entry(model, params, recall, personal):
        return {"model": model, "params": params, "min_repeat_share": 0.0, METRIC: 0.0, "recall@10": recall,
                PERSONAL: personal}
    newest = [(entry("popularity", {}, 0.2, 0.0), np.array([1.0, 0.0, 0.5])),
              (entry("repeat-explore", {"explore": ["ease", {"lam": 500.0}]}, 0.4, 0.6), np.array([0.0, 0.0, 1.0])),
              (entry("item-knn", {"k": 50}, 0.1, 0.9), np.array([1.0, 1.0, 1.0]))]
    older = [(entry("popularity", {}, 0.5, 0.0), np.array([1.0])),
             (entry("repeat-explore", {"explore": ["item-knn", {"k": 200}]}, 0.1, 0.2), np.array([np.nan]))]
    entries, values, users = pool([newest, older], [[1, 2, 3], [2]])
    assert users == 3
    # item-kNN was not scored on the older fold: no candidate. The two rankers are one candidate, tuned per fold.
    assert [e["model"] for e in entries] == ["popularity", "repeat-explore"]
    assert values[0].tolist() == [1.0, 0.5, 0.5]            # customer 2: the mean of 0.0 and 1.0
    assert values[1].tolist() == [0.0, 0.0, 1.0]            # a fold without a figure for them: the other's
    assert entries[0][METRIC] == pytest.approx(2 / 3)
    assert entries[0]["recall@10"] == pytest.approx((3 * 0.2 + 0.5) / 4)   # by customers per fold
    assert entries[1]["params"] == {"explore": ["ease", {"lam": 500.0}]}   # as the newest fold tuned them
    assert entries[1][PERSONAL] == pytest.approx((3 * 0.6 + 0.2) / 4) and entries[1]["folds"] == 2


def test_selection_picks_the_most_personal_non_inferior_candidate_on_a_shop(tmp_path):
    choice = R.selection(synthetic(tmp_path / "s.db", n_customers=300, n_items=30, seed=1, baskets=6))
    assert choice["validation_folds"] == 2 and all(v["folds"] == 2 for v in choice["validation"])
    equal = [v for v in choice["validation"] if v["non_inferior"]]
    chosen = next(v for v in equal if v["model"] == choice["model"] and v["params"] == choice["params"]
                  and v["min_repeat_share"] == choice["min_repeat_share"])
    assert chosen[PERSONAL] == max(v[PERSONAL] for v in equal)
    assert max(v[METRIC] for v in choice["validation"]) in [v[METRIC] for v in equal]


def test_a_selection_saved_by_an_earlier_rule_is_made_again(tmp_path):
    from engine.db import transaction
    from engine.recommend.select import SELECTION_RULE
    db = synthetic(tmp_path / "s.db", n_customers=300, n_items=30, seed=1, baskets=6)
    earlier = {"model": "repeat-explore", "params": {"explore": ["popularity", {}]}, "min_repeat_share": 0.1,
               "validation": [], "validation_users": 0, "fingerprint": R._fingerprint(db)}
    with transaction(db):
        R._save_selection(db, earlier)
    choice = R.selection(db)
    assert choice["rule"] == SELECTION_RULE and choice["validation"]
    assert R.run_recommendations(db) > 0


def test_a_shop_too_small_to_compare_gives_one_order_customers_lists_that_follow_their_basket(tmp_path):
    """Every customer has one order: no model can be compared, and each list starts with the best seller tied to
    what the customer bought (same category and vendor), not with the shop's best seller (Bread) for all."""
    from engine.queries import customer_recommendations
    db = catalogue_shop(tmp_path / "s.db")
    R.run_recommendations(db, limit=3)
    assert R.selection(db)["model"] == "p-topfreq" and "too few" in R.selection(db)["note"]
    ids = dict(db.execute("SELECT external_key, id FROM customers").fetchall())
    firsts = [customer_recommendations(db, ids[c])[0]["evidence"]["product"]["name"] for c in ("x", "y")]
    assert firsts == ["Goat cheese", "Tulip bulbs"]


def test_a_blend_reuses_its_fitted_base_only_when_it_is_the_same_model(tmp_path):
    from engine.recommend.blend import Blend
    data = D.load(synthetic(tmp_path / "s.db", n_customers=300, n_items=30, seed=1, baskets=6, personal=True))
    users = np.arange(data.n_users)
    ease = EASE(lam=500.0).fit(data)
    alone = Blend(base="ease", w=0.3, lam=500.0).fit(data)
    reused = Blend(base="ease", w=0.3, lam=500.0).reusing(ease).fit(data)
    assert reused.base is ease and np.array_equal(reused.score(users), alone.score(users))
    other = Blend(base="ease", w=0.3, lam=100.0).reusing(ease).fit(data)      # another lambda: its own fit
    assert other.base is not ease and other.base.params == {"lam": 100.0}
