"""The facts a reason may state, as named slots the engine fills from the evidence.

The model writes reasons with slots (`{product}`, `{partner}`, `{share}`, ...)
and never a name or a number itself: `fill` puts in the values, and refuses a
slot the evidence cannot fill. `delexicalise` does the reverse for any text (an
owner's edit, a candidate, a test sentence), so that the claim checker reads
every reason in one form: slots where the evidence's values were, and whatever
the writer added around them.

Each slot has one way it is written (`values`) and, for reading text, the
other ways a person may write the same value (an ISO date, "twice").
"""

from __future__ import annotations

import datetime as dt
import re

from engine.evidence import title_of

from . import numbers
from .numbers import days, pct, price

SLOT = re.compile(r"\{([a-z_]+)\}")
# The words before the day of the customer's last order, "since your last order on {last_order}": the one claim
# that day may be in (checker.SINCE_LAST_ORDER), and how a day after them is read back (`delexicalise`).
SINCE_LAST_ORDER_ON = r"\bsince your (?:last|latest|most recent) (?:order|visit|purchase),? on "
NAME_SLOTS = ("product", "partner", "contributor", "match")
LABEL_SLOTS = ("phrase", "label", "match_on", "category", "vendor", "tag")
FIGURES = ("share", "partner_buyers", "partner_last", "match_last", "times", "every", "due", "last", "ago", "buyers",
           "buyers_since", "last_order", "label_share", "price")


def display_name(title: str) -> str:
    """A product's title (engine/evidence.py title_of: no variant or offer) as a sentence says it,
    shouting softened: "JUMBO BAG RED RETROSPOT" -> "Jumbo Bag Red Retrospot", without a full stop
    of its own ("LUNCH BAG BLACK SKULL." would end a sentence in its middle). The export keeps the full name."""
    out = title.rstrip(" .")
    letters = [c for c in out if c.isalpha()]
    if letters and sum(c.isupper() for c in letters) / len(letters) > 0.8:
        # Each word part after a slash, hyphen, comma or plus starts a word too ("Black/Blue", "T-Light", "A,B,C":
        # "Black/blue", "A,b,c" read wrong in session 19's audit); a unit after a number and a letter after an
        # apostrophe do not ("125g", "50's", "Don't").
        out = " ".join(re.sub(r"(?<![\w'])[^\W\d_][\w']*", lambda m: m.group(0)[:1].upper() + m.group(0)[1:].lower(),
                              w.lower()) for w in out.split())
    return out


def description_phrase(description: str | None) -> str | None:
    """The first sentence of the catalogue description when it is short enough to quote (3-14 words)."""
    first = re.split(r"(?<=[.!?])\s|\n|•", (description or "").strip())[0].strip().rstrip(".!?:;,")
    return first if 3 <= len(first.split()) <= 14 else None


def human_date(iso: str) -> str:
    d = dt.date.fromisoformat(iso)
    return f"{d.day} {d.strftime('%B')} {d.year}"


def _times(n: int) -> str:
    return "twice" if n == 2 else f"{n} times"


def _ago(n: int) -> str:
    return "today" if n == 0 else "yesterday" if n == 1 else f"{n} days ago"


def _n_days(x: float) -> str:
    """'1 day', '12 days' (a reason read "due in 1 days")."""
    d = days(x)
    return f"{d} day" if d == "1" else f"{d} days"


def _due(due: float) -> str:
    return f"due in {_n_days(due)}" if round(due) > 0 else f"{_n_days(due)} overdue" if round(due) < 0 else "due about now"


def _every(gap: float) -> str:
    return "every day" if days(gap) == "1" else f"every {days(gap)} days"


def has_cycle(ev: dict) -> bool:
    """A reorder cycle a reason can state: at least two trips, at least a day apart."""
    r = ev.get("reorder")
    return bool(r and r.get("typical_days_between") is not None and r["typical_days_between"] >= 1
                and r.get("due_in_days") is not None)


def owned(ev: dict) -> bool:
    """Did the customer buy the recommended product? Only then may a reason speak of their purchases of it."""
    return ev.get("kind") == "reorder" or bool(ev.get("reorder"))


def same_trip(ev: dict) -> bool:
    """Did the customer last buy the product and its co-purchase partner on one trip? Then one date is both
    `{last}` and `{partner_last}`, and a text is read with `{last}` (`surfaces`)."""
    pair, cycle = ev.get("co_purchase"), ev.get("reorder")
    return bool(pair and cycle and pair.get("with_last_bought") == cycle.get("last_bought"))


def contributors(ev: dict) -> list[dict]:
    """The customer's purchases behind the pick, other than the product itself."""
    own = ev.get("product", {}).get("name")
    return [c for c in ev.get("contributors") or [] if c.get("name") and c["name"] != own]


def values(ev: dict) -> dict[str, str]:
    """{slot: how the reason writes it} for every slot this evidence can fill."""
    p = ev.get("product", {})
    out = {"product": display_name(title_of(p) or "this product")}
    if p.get("category"):
        out["category"] = p["category"].split(">")[-1].strip()   # "Apparel > Clothing > Swimwear": Swimwear
    if p.get("vendor"):
        out["vendor"] = p["vendor"]
    if p.get("tags"):
        out["tag"] = p["tags"][0]
    if p.get("price"):
        out["price"] = price(p["price"])
    if phrase := description_phrase(p.get("description")):
        out["phrase"] = phrase
    if has_cycle(ev):
        r = ev["reorder"]
        out.update(times=_times(r["times_bought"]), every=_every(r["typical_days_between"]),
                   due=_due(r["due_in_days"]), last=human_date(r["last_bought"]), ago=_ago(r["days_since_last"]))
    elif (b := ev.get("reorder")) and b.get("last_bought"):
        out["last"] = human_date(b["last_bought"])
        if b.get("days_since_last") is not None:
            out["ago"] = _ago(b["days_since_last"])
    if c := ev.get("co_purchase"):
        out.update(partner=display_name(title_of(c, "with_")), share=pct(c["confidence"]),
                   partner_buyers=f"{c['customers_with']:,} customers")
        if c.get("with_last_bought"):
            out["partner_last"] = human_date(c["with_last_bought"])
    if behind := contributors(ev):
        out["contributor"] = display_name(title_of(behind[0]))
    if a := ev.get("affinity"):
        out.update(label=a["label"], label_share=pct(a["share"]))
    if m := ev.get("content_match"):
        out.update(match=display_name(title_of(m)), match_on=m["value"])
        if m.get("last_bought"):
            out["match_last"] = human_date(m["last_bought"])
    if (pop := ev.get("popularity")) and pop.get("customers", 0) >= 2:
        out["buyers"] = f"{pop['customers']:,} customers"
        # Since their last order only when that is news: fewer than all its buyers (else "so far" says the same), and
        # at least two (one "customers" is not a crowd).
        if pop.get("last_order") and 2 <= pop.get("customers_since", 0) < pop["customers"]:
            out.update(buyers_since=f"{pop['customers_since']:,} customers", last_order=human_date(pop["last_order"]))
    return out


def fill(template: str, ev: dict, vals: dict[str, str] | None = None) -> str | None:
    """The reason with every slot filled, or None when a slot is unknown or this evidence lacks it."""
    vals = values(ev) if vals is None else vals
    if any(name not in vals for name in SLOT.findall(template)):
        return None
    text = SLOT.sub(lambda m: vals[m.group(1)], template)
    return text[:1].upper() + text[1:]


def word(s: str) -> str:
    """A pattern for `s` as whole words."""
    return r"(?<!\w)" + re.escape(s) + r"(?!\w)"


def surfaces(ev: dict, vals: dict[str, str]) -> list[tuple[str, str]]:
    """(slot, pattern) for reading a text back into slots, in the order they are tried.

    Names first, longest first (a product's number is part of its name), then phrases with numbers,
    then bare shares and prices, then labels. Shares are not placed here: `delexicalise` binds a
    percentage to the share or the affinity share by the words around it.
    """
    out = []
    names = []
    p = ev.get("product", {})
    if p.get("name"):
        names += [("product", p["name"]), ("product", title_of(p)), ("product", vals["product"])]
    if c := ev.get("co_purchase"):
        names += [("partner", c["with_name"]), ("partner", title_of(c, "with_")), ("partner", vals["partner"])]
    for n in contributors(ev):
        names += [("contributor", n["name"]), ("contributor", title_of(n)),
                  ("contributor", display_name(title_of(n)))]
    if m := ev.get("content_match"):
        names += [("match", m["name"]), ("match", title_of(m)), ("match", vals["match"])]
    seen = set()
    for slot, name in sorted(names, key=lambda x: -len(x[1])):
        if name.casefold() not in seen:
            seen.add(name.casefold())
            out.append((slot, word(name)))
    if has_cycle(ev) or "last" in vals:
        r = ev["reorder"]
        out += [("last", word(vals["last"])), ("last", word(r["last_bought"]))]
    if "partner_last" in vals:   # after the product's own date: one day for both reads as the product's
        out += [("partner_last", word(vals["partner_last"])),
                ("partner_last", word(ev["co_purchase"]["with_last_bought"]))]
    if "match_last" in vals:   # after the partner's: one day for both is read by the name it follows (`delexicalise`)
        out += [("match_last", word(vals["match_last"])), ("match_last", word(ev["content_match"]["last_bought"]))]
    if "last_order" in vals:
        out += [("last_order", word(vals["last_order"])), ("last_order", word(ev["popularity"]["last_order"]))]
    if has_cycle(ev):
        r = ev["reorder"]
        d, n = days(r["due_in_days"]), r["times_bought"]
        out += [("due", word(vals["due"])), ("due", rf"due in {d} days?"), ("due", rf"{d} days? (?:overdue|late)"),
                ("every", word(vals["every"])), ("every", rf"every {days(r['typical_days_between'])} days?")]
        out += [("times", rf"(?<!\w){n} (?:times|orders|purchases)\b")] + ([("times", r"\btwice\b")] if n == 2 else [])
    if "ago" in vals:
        since = ev["reorder"]["days_since_last"]
        out += [("ago", word(vals["ago"])), ("ago", rf"(?<!\w){since} days? ago\b")]
    if c := ev.get("co_purchase"):
        n = c["customers_with"]
        out.append(("partner_buyers", rf"(?<![\w.,])(?:{n:,}|{n}) (?:customers|buyers|people|shoppers)\b"))
    if pop := ev.get("popularity"):
        out.append(("buyers", rf"(?<![\w.,])(?:{pop['customers']:,}|{pop['customers']}) (?:customers|shoppers|people)\b"))
    if "buyers_since" in vals:
        n = ev["popularity"]["customers_since"]
        out.append(("buyers_since", rf"(?<![\w.,])(?:{n:,}|{n}) (?:customers|shoppers|people)\b"))
    if "price" in vals:
        out.append(("price", r"(?<![\w.])[£$€]?" + re.escape(vals["price"]) + r"(?!\d)"))
    labels = [(s, vals[s]) for s in LABEL_SLOTS if s in vals]
    for slot, label in sorted(labels, key=lambda x: -len(x[1])):
        out.append((slot, word(label)))
    return out


SHARE = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?) ?%")


def delexicalise(text: str, ev: dict) -> str:
    """The text with every value the evidence holds put back as its slot.

    Numbers the evidence does not hold, or holds for another claim than the one the words around
    them make, stay as they are: the checker reports them.
    """
    out = text
    vals = values(ev)
    for slot, pattern in surfaces(ev, vals):
        out = re.sub(pattern, "{" + slot + "}", out, flags=re.IGNORECASE)
    # One day may be two facts' (the product's date is read first, then the partner's, the match's, the last
    # order's): after {match} it is the match's, after "since your last order on" the order's.
    if "match_last" in vals:
        def owner(m: re.Match) -> str:
            names = re.findall(r"\{(?:" + "|".join(NAME_SLOTS) + r")\}", out[:m.start()])
            same = vals[m.group(1)] == vals["match_last"]
            return "{match_last}" if same and names and names[-1] == "{match}" else m.group(0)
        out = re.sub(r"\{(last|partner_last)\}", owner, out)
    if "last_order" in vals:
        def order(m: re.Match) -> str:
            return m.group(1) + ("{last_order}" if vals[m.group(2)] == vals["last_order"] else f"{{{m.group(2)}}}")
        out = re.sub(f"({SINCE_LAST_ORDER_ON})" + r"\{(last|partner_last|match_last)\}", order, out,
                     flags=re.IGNORECASE)

    def share(m: re.Match) -> str:
        written = numbers.canon(float(m.group(1)))
        after = out[m.end():m.end() + 12].casefold()
        if "label_share" in vals and written == vals["label_share"].rstrip("%") and after.startswith(" of your"):
            return "{label_share}"
        if "share" in vals and written in numbers.variants(ev["co_purchase"]["confidence"]):
            return "{share}"
        return m.group(0)
    return SHARE.sub(share, out)
