"""How often a whole shop's reasons repeat, estimated from the reasons an adapter wrote for a sample.

Writing a reason for every suggestion of a shop takes most of an hour on 2 cores; the distinct-sentence ratio of a
sample of 1,000 says little of a shop of 30,000, where one pair or best seller goes to hundreds of customers. In slots,
every suggestion with the same prompt is asked the same thing, so for each suggestion of the shop this draws one of
the sentences the adapter wrote (in slots) for its prompt among the sample, fills it with the suggestion's own
evidence and keeps it when the checker passes (else the template the generator would store). Session 16 checked it
against a whole Online Retail shop written for real: within 0.02.

    python benchmarks/whole_shop_distinct.py SHOP.db   (after `main.py generate-reasons --sample 1000`)
"""

from __future__ import annotations

import random
import sys
from collections import Counter, defaultdict

from engine import evidence
from engine.db import open_shop
from engine.queries import latest_run_id
from engine.reasons import prompt, slots
from engine.reasons.checker import check
from engine.reasons.silver import template_reason

DRAWS = 5   # sentences tried per suggestion before the template


def estimate(db, seed: int = 0) -> dict:
    rng = random.Random(seed)
    run = latest_run_id(db)
    recs = {i: evidence.decode(e, k) for i, e, k in
            db.execute("SELECT id, evidence, kind FROM recommendations WHERE run_id = ?", [run])}
    written = defaultdict(list)   # prompt -> the sample's sentences for it, in slots
    for rec_id, text in db.execute("SELECT r.recommendation_id, r.text FROM reasons r JOIN recommendations c"
                                   " ON c.id = r.recommendation_id WHERE c.run_id = ?", [run]):
        written[prompt.user_part(recs[rec_id])].append(slots.delexicalise(text, recs[rec_id]))
    texts, repeats, seen = [], Counter(), set()
    for rec_id, ev in recs.items():
        forms = written.get(prompt.user_part(ev), [])
        filled = (slots.fill(t, ev) for t in rng.sample(forms, min(DRAWS, len(forms))))
        text = next((t for t in filled if t and check(t, ev).ok), None) \
            or template_reason(ev, prompt.main_feature(ev), rec_id)
        key = text.casefold()
        if key in seen:
            repeats[prompt.main_feature(ev)] += 1
        seen.add(key)
        texts.append(key)
    n = len(texts)
    top, top_n = Counter(texts).most_common(1)[0]
    return {"suggestions": n, "sampled": sum(map(len, written.values())), "distinct": round(len(seen) / n, 3),
            "most_used": {"sentence": top, "share": round(top_n / n, 4)},
            "repeats_by_feature": {f: round(k / n, 3) for f, k in repeats.most_common()}}


if __name__ == "__main__":
    print(estimate(open_shop(sys.argv[1], create=False)))
