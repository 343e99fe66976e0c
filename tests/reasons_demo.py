"""A small, realistic demo shop for tests, benchmarks and trying the reasoner.

A music shop's catalogue, customers, one recommendation run whose evidence
follows the contract in `engine.evidence` (numbers consistent with each other),
and, when the Amazon Musical Instruments file is given, real review text as
the customers' reviews (references for BLEU/ROUGE).
"""

from __future__ import annotations

import csv
import json
import random
from pathlib import Path

from engine.db import transaction
from engine.products import name_key

CATALOGUE = [  # name, category, vendor, tags, price
    ("Elixir Nanoweb Electric Strings", "Strings", "Elixir", "electric,coated", 12.99),
    ("D'Addario EXL110 Strings", "Strings", "D'Addario", "electric,nickel", 6.49),
    ("Martin Acoustic Strings", "Strings", "Martin", "acoustic,bronze", 8.99),
    ("Ernie Ball Bass Strings", "Strings", "Ernie Ball", "bass,nickel", 24.5),
    ("Dunlop Tortex Picks", "Picks", "Dunlop", "guitar,pack", 4.99),
    ("Fender Medium Picks", "Picks", "Fender", "guitar,pack", 3.99),
    ("Snark Clip-On Tuner", "Tuners", "Snark", "guitar,ukulele,clip", 14.95),
    ("Korg Chromatic Tuner", "Tuners", "Korg", "chromatic,studio", 22.0),
    ("Kyser Quick-Change Capo", "Capos", "Kyser", "acoustic,guitar", 19.95),
    ("Shubb Deluxe Capo", "Capos", "Shubb", "acoustic,steel", 29.0),
    ("Planet Waves Guitar Cable", "Cables", "Planet Waves", "instrument,10ft", 17.99),
    ("Hosa Patch Cables", "Cables", "Hosa", "pedalboard,short", 11.5),
    ("Boss DS-1 Distortion", "Pedals", "Boss", "distortion,electric", 49.99),
    ("Electro-Harmonix Big Muff", "Pedals", "Electro-Harmonix", "fuzz,electric", 89.0),
    ("TC Electronic Hall of Fame Reverb", "Pedals", "TC Electronic", "reverb,electric", 119.0),
    ("Shure SM58 Microphone", "Microphones", "Shure", "vocal,dynamic", 99.0),
    ("Nady Pop Filter", "Microphones", "Nady", "vocal,studio", 12.0),
    ("On-Stage Mic Stand", "Stands", "On-Stage", "vocal,boom", 24.95),
    ("Hercules Guitar Stand", "Stands", "Hercules", "guitar,floor", 34.99),
    ("Levy's Leather Strap", "Straps", "Levy's", "leather,guitar", 39.0),
    ("Dunlop Strap Locks", "Straps", "Dunlop", "guitar,hardware", 15.99),
    ("GHS Fast Fret", "Care", "GHS", "cleaning,guitar", 7.49),
    ("Music Nomad Polish", "Care", "Music Nomad", "cleaning,finish", 9.99),
    ("D'Addario Humidipak", "Care", "D'Addario", "acoustic,humidity", 24.99),
]
INTERESTS = ["electric guitar", "acoustic guitar", "bass", "vocals", "home studio", "effects"]


def _reviews(path: Path | None, limit: int) -> list[tuple[str, str, float]]:
    if not path or not Path(path).exists():
        return []
    out = []
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.reader(f):
            if len(row) >= 7 and row[4].strip():
                out.append((row[4], row[6], float(row[5])))
            if len(out) >= limit:
                break
    return out


def _evidence(rng: random.Random, p: dict, bought: list[dict], n_customers: int, kind: str) -> dict:
    ev = {"kind": kind, "model": "demo", "score": round(rng.uniform(0.2, 0.95), 3), "as_of": "2024-06-30",
          "product": p, "customer_tags": rng.sample(INTERESTS, 2),
          "popularity": {"customers": rng.randint(5, 80), "rank": rng.randint(1, 24)}}
    a = bought[0]
    w = round(rng.uniform(0.4, 0.8), 2)
    ev["contributors"] = [{"product_id": a["id"], "name": a["name"], "weight": w}] + (
        [{"product_id": bought[1]["id"], "name": bought[1]["name"], "weight": round(1 - w, 2)}]
        if len(bought) > 1 else [])
    with_n = rng.randint(8, 60)
    both = rng.randint(2, with_n)
    ev["co_purchase"] = {"with_product_id": a["id"], "with_name": a["name"], "customers_with": with_n,
                         "customers_both": both, "confidence": round(both / with_n, 4),
                         "support": round(both / n_customers, 4), "lift": round(rng.uniform(1.1, 6), 2)}
    if rng.random() < 0.3:
        ev["co_purchase"] = None
    ev["affinity"] = {"label": p["category"], "share": round(rng.uniform(0.15, 0.6), 2)} \
        if rng.random() < 0.6 else None
    if kind == "reorder":
        every = round(rng.uniform(14, 120), 1)
        since = rng.randint(5, 150)
        ev["reorder"] = {"times_bought": rng.randint(2, 9), "typical_days_between": every,
                         "last_bought": f"2024-{rng.randint(1, 5):02d}-{rng.randint(1, 28):02d}",
                         "days_since_last": since, "due_in_days": round(every - since, 1)}
    else:
        ev["reorder"] = None
    return ev


def build_demo_shop(db, customers: int = 60, per_customer: int = 4, reviews_file: Path | None = None,
                    seed: int = 0) -> int:
    """Fill an empty shop with catalogue, customers, a recommendation run and reviews; returns the run id."""
    rng = random.Random(seed)
    texts = _reviews(reviews_file, customers * per_customer)
    with transaction(db):
        for i, (name, cat, vendor, tags, price) in enumerate(CATALOGUE, 1):
            db["products"].insert({"id": i, "sku": f"SKU-{i:03d}", "name": name, "name_key": name_key(name),
                                   "category": cat, "vendor": vendor, "tags": tags, "price": price})
        products = [{"id": i, "name": n, "sku": f"SKU-{i:03d}", "category": c, "vendor": v,
                     "tags": t.split(","), "price": pr} for i, (n, c, v, t, pr) in enumerate(CATALOGUE, 1)]
        run_id = db["recommendation_runs"].insert({"model": "demo", "created_at": "2024-06-30T00:00:00"}).last_pk
        t = 0
        for c in range(1, customers + 1):
            db["customers"].insert({"id": c, "key_kind": "email", "external_key": f"c{c}@example.com",
                                    "name": f"Customer {c}"})
            picks = rng.sample(products, per_customer + 2)
            bought, recs = picks[:2], picks[2:]
            for rank, p in enumerate(recs, 1):
                kind = "reorder" if rng.random() < 0.3 else "discover"
                ev = _evidence(rng, p, bought, customers, kind)
                db["recommendations"].insert({"run_id": run_id, "customer_id": c, "product_id": p["id"],
                                              "kind": kind, "rank": rank, "score": ev["score"],
                                              "evidence": json.dumps(ev)})
                if t < len(texts) and rng.random() < 0.7:
                    text, summary, rating = texts[t]
                    t += 1
                    db["reviews"].insert({"customer_id": c, "product_id": p["id"], "rating": rating,
                                          "summary": summary, "text": text})
    return run_id
