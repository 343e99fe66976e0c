"""The claim checker: every claim a reason makes must be true of its own evidence.

A reason is read back into slots (`slots.delexicalise`): the evidence's names,
dates, counts and shares become `{product}`, `{partner}`, `{share}`... each
bound by the words around it to the one fact it states ("4 times" is the
number of orders, "{partner} buyers" the group a share is about). What is left
is checked claim by claim:
  - a number, date or product name the evidence does not hold for that claim;
  - purchase-history wording (have, again, another, your last, liked your...) about
    the recommended product, when the customer never bought it;
  - cycle wording (due, overdue, usual, running low) without a reorder cycle;
  - co-purchase direction: a share is about the partner's buyers, and the
    recommended product is the subject, never the group or the companion;
  - best-seller wording without the popularity to back it;
and the reason must be a sentence: the product named once, no prompt syntax,
no repeated phrase, no list of facts, within length limits.
"""

from __future__ import annotations

import collections
import functools
import re
from dataclasses import dataclass, field

from engine.evidence import BEST_SELLER_RANK, reorder_timing

from . import numbers, slots

MIN_WORDS, MAX_WORDS, MAX_CHARS = 4, 50, 300
CAPITALISED_RUN = re.compile(r"\b[A-Z][\w'&-]*(?:\s+(?:of|and|for|with|&|[A-Z][\w'&-]*))*\s+[A-Z][\w'&-]*")


@dataclass
class Check:
    ok: bool
    problems: list[str] = field(default_factory=list)
    template: str = ""                                   # the text read back into slots
    claims: int = 0                                      # facts the text states
    false_claims: int = 0                                # of those, the ones the evidence does not back
    invented: list[str] = field(default_factory=list)   # capitalised names nobody knows
    unrelated: list[str] = field(default_factory=list)  # catalogue products the evidence does not hold


def _by_casefold(names) -> dict[str, list[str]]:
    index = collections.defaultdict(list)
    for n in names:
        index[n.casefold()].append(n)
    return dict(index)


_catalogue_index = functools.lru_cache(maxsize=4)(_by_casefold)   # a shop's catalogue is one frozenset


NON_WORD = re.compile(r"\W")


def names_in(text: str, names: frozenset | set) -> list[str]:
    """The names that occur in the text as whole words, ignoring case (what a search per name would find).

    Looks up every stretch of the text that starts and ends at a word boundary, instead of
    searching the text once per name: a catalogue has thousands of names, a reason a few words.
    """
    index = _catalogue_index(names) if isinstance(names, frozenset) else _by_casefold(names)
    cf = text.casefold()
    cuts = [m.start() for m in NON_WORD.finditer(cf)]
    starts, ends = [0, *(c + 1 for c in cuts)], [*cuts, len(cf)]
    return list(dict.fromkeys(n for i in starts for j in ends if j > i for n in index.get(cf[i:j], ())))


NAME = r"\{(?:" + "|".join(slots.NAME_SLOTS) + r")\}"
# Wording that says the customer bought something: bound to the nearest name in its sentence.
HISTORY = re.compile(r"\b(you have|you've|you had|have it|has it|again|another|your last|your usual|your regular|"
                     r"liked your|loved your|enjoyed your|(bought|ordered|had|purchased) (it |one |this )?before|"
                     r"you bought|you ordered|you purchased|you picked|you got|you tried|"
                     r"you (?:usually |often |always )?buy|you (?:usually |often |always )?order|you tend to|"
                     r"you enjoyed|you liked|picked (it|one) up|last time|last one|"
                     r"your (?:favou?rite |usual |regular |go-to |beloved )?\{\w+\}|"
                     r"(?:it|this|that|they|one)(?:'s| is| are| was| were) (?:already |all )?yours)", re.IGNORECASE)
PURCHASED = r"(?:bought|ordered|purchased|picked up|got)"
YOU_BOUGHT = re.compile(r"\byou(?: have|'ve)? " + PURCHASED + r"\b", re.IGNORECASE)
ALSO = re.compile(r"\b(too|also|as well)\b", re.IGNORECASE)
JOINED = re.compile(r"\{(?:partner|contributor|match)\}\s+(?:and|&|with|plus)\s+(?:a |an |the |your )?\{product\}|"
                    r"\{product\}\s+(?:and|&|with|plus)\s+(?:a |an |the |your )?\{(?:partner|contributor|match)\}",
                    re.IGNORECASE)
AGAIN = re.compile(r"\b(?:bought|ordered|picked(?: it| one| them)? up|purchased|got|reordered)\b[^.?!]{0,40}\bagain\b",
                   re.IGNORECASE)
# "Since your last order on {last_order}": the day of their last order is in the evidence, not what it held; the
# checks of purchase history read the sentence without it.
SINCE_LAST_ORDER = re.compile(slots.SINCE_LAST_ORDER_ON + r"\{last_order\}", re.IGNORECASE)
LAST_ORDER = re.compile(r"\b(?:your|the) last (?:order|purchase|basket|visit|shop|trip|post)\b|"
                        r"\blast (?:one|order|purchase) (?:was|is) (?:a |an |the )?" + NAME, re.IGNORECASE)
# "You buy {match} with {product}": bought in one order, which no evidence says.
TOGETHER = re.compile(r"\byou (?:\w+ )?(?:buy|bought|order|ordered|picked up|got)\s+(?:the |your |a |an )?\{\w+\}\s+"
                      r"(?:with|and|together with|alongside|plus)\s+(?:the |your |a |an )?\{\w+\}|"
                      r"\byou (?:\w+ ){0,2}(?:buy|bought|order|ordered|picked up|got)\b[^.!?]*?\b(?:often|usually|always|typically) "
                      r"(?:together )?with\s+(?:the |your |a |an )?\{\w+\}", re.IGNORECASE)
OUR_PRODUCT = re.compile(r"\b(?:our|part of(?: our| the| your| a)?) \{(?:product|partner|match|contributor)\}",
                         re.IGNORECASE)
CYCLE = re.compile(r"\b(due|overdue|usual|usually|regular|regularly|running low|run low|running out|run out|reminder|"
                   r"refill|top up|top-up|restock|time for (?:another|a new one|more)|every \w+ (days|weeks|months))\b",
                   re.IGNORECASE)
# A habit in the present tense, or a reminder: not of a product they stopped buying (overdue by more than a
# whole gap: "You reorder whole milk roughly every 92 days, so we saved you a reminder." of one last bought 468 days
# ago, session 13).
LAPSED_NOW = re.compile(r"\breminder\b|\byour (?:usual|regular)\b|\byou (?:\w+ )?(?:reorder|usually|regularly|tend to)\b",
                        re.IGNORECASE)
# Said only of a reorder that is due now (engine.evidence.reorder_timing), not of one coming up or lapsed.
DUE_NOW = re.compile(r"\b(running low|run low|running out|run out|time to|time for|refill|restock|top up|top-up|"
                     r"due now|due about now|is due\b(?! in)|overdue)", re.IGNORECASE)
POPULAR = re.compile(r"\b(best[- ]?sell\w*|top[- ]sell\w*|most popular|popular|favou?rites?(?! of yours))\b", re.IGNORECASE)
POPULAR_PAIR = re.compile(r"\bpopular (pairing|combination|match|pick with)\b", re.IGNORECASE)
# "Often", "many", "a popular pairing" say that a good share of the partner's buyers took it too.
STRONG_PAIR = re.compile(r"\b(often|many|most|usually|typically|popular pairing|popular combination|"
                         r"pairs? (nicely|well|perfectly)|goes? (well|nicely|perfectly)|natural)\b", re.IGNORECASE)
# "Some customers who buy X also choose Y": not all of them.
SOME = re.compile(r"\b(?:some|someone|a few|several|plenty|lots|a lot|one in)\b", re.IGNORECASE)
# "Some customers who bought X also chose Y", "some of its buyers": true of every pair (at least two customers bought
# both), so said of any pair, a weak one too, without its share (prompt.WEAK_PAIR_SHARE).
SOME_BUYERS = re.compile(r"\bsome (?:of (?:the |its |their )?)?(?:other )?"
                         r"(?:\{partner_buyers\}|(?:customers|shoppers|buyers|people)\b)", re.IGNORECASE)
# "Most customers who buy X also choose Y": more than half of them.
MOST = re.compile(r"\b(?:most|the majority|nearly all|almost all|nearly every|almost every)\b(?! popular)", re.IGNORECASE)
STRONG_SHARE = 0.25
STRONG_PAIR_BUYERS = 5   # "often", "a popular pairing": a share of 2 customers out of 8 is not that
SMALL_GROUP = 10         # "67% of customers who bought X" from 3 customers: the share needs its count
# A shared word of two names ("Holder") is not a range, line or collection of the shop.
WORD_AS_RANGE = re.compile(r"\{match_on\}\s+(?:range|line|collection|series|family|department|section|category|"
                           r"selection)\b|\b(?:our|the shop's) \{match_on\}", re.IGNORECASE)
PAIRING = re.compile(r"\b(go(es)? (well |nicely |great )?with|pairs?( \w+)? with|go(es)? together|pairing|"
                     r"companion|to go with|alongside)\b", re.IGNORECASE)
WITH_PRODUCT = re.compile(r"(\b(go(es)?|going|pairs?|paired|works?|fits?|match(es)?)\b(\s+\w+){0,2}\s+with|together with|"
                          r"alongside|next to|to go with)\s+(your |the |a |an )?\{product\}", re.IGNORECASE)
# Other customers, one or many: "A typical customer will buy {product}." is a claim about them too (Online Retail
# Quick, session 16).
GROUP = r"\b(customers?|people|person|shoppers?|buyers?|those|others|fans|owners|everyone)\b"
SPELLED_COUNT = re.compile(r"\b(once|twice|thrice|(two|three|four|five|six|seven|eight|nine|ten|a few|several|many|"
                           r"multiple|numerous) (times|days|weeks|months|orders))\b", re.IGNORECASE)
PROMPT_ECHO = re.compile(r"\b(discover|reorder|feature|interests|bought|before|likes|facts|kind|co_purchase|"
                         r"bought_before|suggest|slots):|AI assistant|<\||\|>|[{}_]", re.IGNORECASE)
SENTENCE = re.compile(r"[^.!?]+[.!?]*")
# Two words or more said twice in a row: "...bought it so far, so far." (Online Retail Quick, session 10).
STUTTER = re.compile(r"\b(\w+(?: \w+){1,3})[,;:]? \1\b", re.IGNORECASE)
# A product as the one who buys ("Your candy also bought whole milk") or as a person ("ice cream who buys").
PRODUCT_BUYS = re.compile(NAME + r"\s+(?:(?:also|again|too|often|then|just|usually|always|has|have|had|likely|probably|"
                          r"might|may|would|could|will)\s+){0,3}"
                          r"(?:bought|buys?|buying|picked|got|gets|takes?|took|taking|added|adds|chose|chooses|ordered|orders|"
                          r"ordering|purchased|purchases|likes?|loves?)\b", re.IGNORECASE)
# Each figure sits in the claim it states: a count of days ago after a purchase ("bought it {ago}", "was {ago}"),
# a date after "on", a count of orders after ordering, a cycle after buying, buyers as the ones who bought.
TOKEN = r"(?:[\s,]+[\w{}'’-]+)"
BOUGHT = r"\b(?:bought|ordered|purchased|picked|got|was|were|last)\b"
def _bought_on(name: str, date: str) -> re.Pattern:
    """The customer's purchase of `name` on `date`: "the {name} you bought on {date}", "{name}, as you did on {date}",
    "you bought {name} on {date}"."""
    return re.compile(rf"\{{{name}\}},? (?:(?:that |which )?you (?:bought|ordered|picked up|got)|as you did) on "
                      rf"\{{{date}\}}|\byou (?:bought|ordered|picked up|got) (?:the |your |some )?\{{{name}\}} on "
                      rf"\{{{date}\}}", re.IGNORECASE)


BOUGHT_SINCE = r"(?:have |has |had )?(?:already |also )?(?:bought|picked(?: it)? up|ordered|purchased|chosen|chose|got)\b"
FIGURE_CONTEXT = {
    "ago": re.compile(BOUGHT + TOKEN + r"{0,3}\s+\{ago\}", re.IGNORECASE),
    "last": re.compile(BOUGHT + r"[^.!?;]*\b(?:on|since)\s+\{last\}", re.IGNORECASE),
    "times": re.compile(r"\b(?:bought|ordered|purchased|picked|reordered|had|got|done so)\b" + TOKEN + r"{0,3}\s+\{times\}",
                        re.IGNORECASE),
    "every": re.compile(r"\b(?:buy|buys|bought|pick|picks|order|orders|ordered|reorder|reorders|get|gets|restock|"
                        r"tend|usually|come)\b" + TOKEN + r"{0,6}[\s,]+\{every\}", re.IGNORECASE),
    "buyers": re.compile(r"\bby \{buyers\}|\{buyers\} (?:have |has |had )?(?:already |all )?"
                         r"(?:bought|picked|ordered|purchased|chose|got)\b", re.IGNORECASE),
    # The customer's own purchase of the partner: "the {partner} you bought on ...", "..., as you did on ...".
    "partner_last": _bought_on("partner", "partner_last"),
    "match_last": _bought_on("match", "match_last"),
    # How many bought it after their last order, bound to that order: "{buyers_since} have bought {product} since
    # your last order on {last_order}", "Since your last order on {last_order}, {buyers_since} have picked up ...".
    "buyers_since": re.compile(r"(?:\{buyers_since\} " + BOUGHT_SINCE + r"|\bby \{buyers_since\})[^.!?;]*"
                               + SINCE_LAST_ORDER.pattern + r"|" + SINCE_LAST_ORDER.pattern
                               + r",? (?:\{buyers_since\} " + BOUGHT_SINCE + r"|[^.!?;]*\bby \{buyers_since\})",
                               re.IGNORECASE),
    "last_order": SINCE_LAST_ORDER,
    "partner_buyers": re.compile(r"\bof (?:the |these |those )?\{partner_buyers\}|\{partner_buyers\} (?:who|that)\b",
                                 re.IGNORECASE),
}
STATE_NOT_TIME = re.compile(r"\b(?:is|are|has been|have been|you have|it has|that has)\s+\{(?:ago|last)\}", re.IGNORECASE)
OFTEN_BUYERS = re.compile(r"\boften\b[^.!?]{0,25}\{buyers\}|\{buyers\}[^.!?]{0,12}\boften\b", re.IGNORECASE)
YOUR_POPULAR = re.compile(r"\byour (?:most |best |top )?(?:popular|best[- ]?sell\w*|favourite)|\bpopular\s+\{",
                          re.IGNORECASE)
PUSHES_PARTNER = re.compile(r"\b(another|try|get|grab|restock|reorder|order|add)\s+(your |a |an |the |some )?"
                            r"\{(?:partner|match|contributor)\}|\{partner\}\s+again\b", re.IGNORECASE)
# "Many customers also choose {partner}": the partner as the thing bought, the pick's place.
TAKES_PARTNER = re.compile(r"\b(?:also|often|usually|then|too)\s+(?:choose|chooses|chose|pick|picks|picked(?: up)?|add|"
                           r"adds|added|take|takes|took|buy|buys|bought|get|gets|got)\s+(?:a |an |the |some )?\{partner\}",
                           re.IGNORECASE)
# "{partner} is a great choice", "{partner} is a favorite of {product}": praise for what they have, not the pick.
PRAISES_PARTNER = re.compile(r"\{(?:partner|contributor|match)\}(?:'s)?\s+(?:is|are|was|makes?)\s+(?:a |an |the |one of )?"
                             r"(?:\w+ )?(?:great|good|perfect|popular|best|favou?rite|well[- ]known|natural|special|"
                             r"top|classic|go-to|ideal)\b", re.IGNORECASE)
# Nothing in the evidence says what a product is for, and a product has no favourites.
GIFT = re.compile(r"\b(?:is|as|makes?) (?:a |an )?(?:\w+ )?gift\b", re.IGNORECASE)
# "Ham brings soda together in a unique way that makes it a special combination": no evidence says either.
BRINGS_TOGETHER = re.compile(r"\bbrings?\s+(?:the |your |a |an )?\{\w+\}\s+together\b", re.IGNORECASE)
SPECIAL = re.compile(r"\b(?:unique|special|perfect|ideal) (?:way|combination|pairing|match|pair|duo)\b", re.IGNORECASE)
PRODUCTS_FAVOURITE = re.compile(r"\{\w+\}'s (?:\w+ )?(?:favou?rites?|choice|pick)\b", re.IGNORECASE)
# Written to the customer: "your customers" speaks to the shop.
TO_THE_SHOP = re.compile(r"\byour (?:\{\w+\} )?(?:customers|shoppers|buyers|clients)\b", re.IGNORECASE)
# "Based on your past orders" for a suggestion from popularity alone: nothing personal backs it.
YOUR_HISTORY = re.compile(r"\b(?:based on|from|given|because of|after|looking at) (?:your|what you)\b[^.!?]{0,30}?"
                          r"\b(?:orders?|purchases?|shopping|history|taste|bought|buy)\b|"
                          r"\byour (?:past|previous|recent|earlier) (?:orders?|purchases?|shopping|visits?)\b", re.IGNORECASE)
# "From your past orders: {match}, {product}.": a list of what they bought, with the pick in it.
YOUR_ORDERS = r" your (?:past|previous|earlier|recent|last) (?:orders?|purchases?)\s*:\s*"
HISTORY_LIST = re.compile(r"\b(?:from|in|among|out of)" + YOUR_ORDERS + r"(?:\{\w+\}\s*(?:,|and|&)\s*)*\{product\}",
                          re.IGNORECASE)
# "From your past orders: Cream Sweetheart Mini Chest, Cream Felt Easter Egg Basket.": true of a product they
# bought, and no reason (Online Retail Quick, session 16).
ORDERS_LISTED = re.compile(r"\b(?:from|in|among)" + YOUR_ORDERS + NAME + r"\s*(?:,|and|&)\s*(?:the |your |a |an )?" + NAME
                           + r"\s*[.!?]?\s*$", re.IGNORECASE)
# "{match}; You bought {product}": the name after the verb is what they bought, however near another name is.
YOU_BOUGHT_PRODUCT = re.compile(YOU_BOUGHT.pattern + r"\s+(?:the |your |a |an |one )?\{product\}|"
                                r"\{product\}[^.!?{]{0,15}\b(?:in|from) your (?:past |previous |earlier |recent )?"
                                r"(?:orders?|purchases?)\b", re.IGNORECASE)
# "{match}; they bought {product}": with no group of customers before it, "they" reads as the customer.
THEY_BOUGHT_PRODUCT = re.compile(r"\bthey (?:have |had |'ve )?" + PURCHASED + r"\s+(?:the |a |an |one )?\{product\}",
                                 re.IGNORECASE)
# "the one before it", "before the last time": a purchase before the last, of a product bought once.
EARLIER_ONE = re.compile(r"\b(?:the one before|the time before|before the last (?:time|one)|previous one|each time|"
                         r"every time|both times)\b", re.IGNORECASE)
# A habit, said of the customer: "you typically pick it up", "you tend to buy", "you reorder".
HABIT = re.compile(r"\byou (?:\w+ )?(?:typically|normally|tend to|reorder|keep (?:buying|ordering))\b", re.IGNORECASE)
# "the top seller", "our most popular": the one product on top, not one of the best sellers.
TOP_ONE = re.compile(r"(?<!one of )\b(?:the|our) (?:very )?(?:(?:top|best)[- ]?seller\b(?!s)|most popular\b(?! \w+s\b))",
                     re.IGNORECASE)
# "saving you a small extra", "is on its way": the evidence holds no price, offer, stock or delivery.
OFFER = re.compile(r"\bsav(?:e|es|ed|ing) you\b(?! a reminder)|\bdiscount\w*|\bon sale\b|\b(?:special |limited )?offers?\b|"
                   r"\bdeals?\b|\bfree (?:shipping|delivery|gift)|\bon (?:its|the) way\b|\bshipped\b|\bin stock\b|"
                   r"\breserved\b|\bcheap\w*|\bbargains?\b|\baffordable\b", re.IGNORECASE)
# "From your last message:", "Your previous answer was:": the chat the model was tuned on, not a reason.
CHAT = re.compile(r"\b(?:your|my|the) (?:last |previous )?(?:message|response|answer|reply|question)\b", re.IGNORECASE)
# "The store has bought {match}": customers buy, the shop does not.
SHOP_BOUGHT = re.compile(r"\b(?:the (?:store|shop)|we) (?:has |have |had )?(?:bought|ordered|picked up|purchased)\b",
                         re.IGNORECASE)
# "A recommendation from a loyal customer", "rated 5 stars": the evidence holds purchases, no one's word.
SOMEONES_WORD = re.compile(r"\b(?:recommend(?:ed|ation)s? (?:by|from)|loyal customers?|reviews?|reviewers?|rated|ratings?|"
                           r"stars?)\b", re.IGNORECASE)
# Sentences the Quick model garbles past every claim: "You bought {match} about {product}", "so it was {ago}",
# "you buy {product} before", "again before", "{ago} before", "bought it {product}", a group named twice.
GARBLED = re.compile(NAME + r"\s+about\s+(?:the |your |a |an )?" + NAME + r"|\bso (?:it|that) (?:was|is)\s+\{(?:ago|last)\}|"
                     r"^\s*\{product\}\s+(?:was|were)\s+\{(?:ago|last)\}|"
                     r"\b(?:has|have) (?:also )?been (?:a |an |the |your )?" + NAME + r"|"
                     r"\bwith (?:the |your )?" + NAME + r" (?:buyers|customers|shoppers|fans|owners)\b|"
                     r"\b(?:is|are) (?:a |an )?\{match_on\}\s*[.!?]|\bit \{match_on\}|\bit \(" + NAME + r"\)|"
                     r"\{(?:partner|match|contributor)\}\s+for\s+(?:the |your |a |an )?\{product\}|"
                     r"\bbeen (?:bought|ordered|picked up|purchased)\s+(?:the |a |an |your )?" + NAME + r"|"
                     r"\b(?:is|are) about (?:the |your |a |an )?\{(?:match_on|match|partner|contributor)\}|"
                     r"\{(?:match|partner|contributor)\}\s*:\s*\{product\}\s+again\b|" + NAME + r"\s+too\s+" + NAME + r"|"
                     r"\byou (?:buy|order|get) (?:the |your |a |an )?" + NAME + r" before\b|\bagain before\b|"
                     r"\{ago\} (?:before|again)\b|\b(?:bought|ordered|picked|got) it\s+" + NAME + r"|"
                     r"\b(?:buy|buys|bought|order|orders|ordered|get|gets) (?:it|them|" + NAME + r") about " + NAME + r"|"
                     # "You have ordered it 49 days ago.", "..., 11%, Round Cake Tin Vintage Red." (session 17)
                     r"\bhave (?:\w+ )?(?:bought|ordered|picked up|got|purchased)\b[^.;:,?!]*\{ago\}|\{share\}\s*,\s*\{product\}|"
                     # "Out of 1,363 customers who bought rolls/buns, 51% of its buyers also got ..." (session 18)
                     r"\bout of \{partner_buyers\}[^.;!?]*\{share\} of (?:its|their|the|these|those) buyers\b|"
                     # "You bought Lunch Bag Black Skull, so 12% of its buyers also got ...": their purchase as the
                     # others' cause; "You have ordered Drawer Knob Ceramic Ivory on 8 September 2011" (session 19)
                     r"\bso \{share\} of\b|\bhave (?:\w+ )?(?:bought|ordered|picked up|got|purchased)\b[^.;:,?!]*\bon \{last\}",
                     re.IGNORECASE)
# "The highest in the market", "number one": the evidence counts this shop's customers, nothing beyond it.
BEYOND_THE_SHOP = re.compile(r"\b(?:in the (?:market|world|country|town|area|industry)|the highest|number one|no\. ?1|"
                             r"best[- ]rated|award[- ]winning)\b|#1\b", re.IGNORECASE)
PRODUCT_WHO = re.compile(NAME + r"\s+(who|whom)\b", re.IGNORECASE)
# One product said to be another: "You bought {match}; it is {product}".
PRODUCT_IS = re.compile(r"(?:\b(?:it|this|that)|" + NAME + r")\s+(?:is|are|was)\s+(?:a |an |the |your )?" + NAME,
                        re.IGNORECASE)
COMPANIONS = ("{partner}", "{contributor}", "{match}")
# Wording that is false whatever the evidence says, each with why; the first match of a row is reported.
FALSE_WORDING = [
    ((STATE_NOT_TIME,), "a time is not a state"),
    ((OFTEN_BUYERS,), "how many bought it, not how often"),
    ((YOUR_POPULAR,), "popular in the shop, not with this customer"),
    ((PRODUCT_IS,), "one product is not another"),
    ((PUSHES_PARTNER, TAKES_PARTNER), "recommends the partner, not the pick"),
    ((PRAISES_PARTNER,), "praises what they have, not the pick"),
    ((GIFT,), "the evidence does not say what it is for"),
    ((PRODUCTS_FAVOURITE,), "a product has no favourites"),
    ((BRINGS_TOGETHER, SPECIAL), "the evidence says who bought both, not that the pair is special"),
    ((TO_THE_SHOP,), "speaks to the shop, not to the customer"),
    ((SOMEONES_WORD,), "the evidence is purchases, not anyone's recommendation or rating"),
    ((GARBLED,), "garbled: not a sentence a person would send"),
    ((BEYOND_THE_SHOP,), "the evidence counts this shop's customers, nothing beyond it"),
    ((OFFER,), "the evidence holds no price, offer, stock or delivery"),
    ((SHOP_BOUGHT,), "customers buy, the shop does not"),
    ((CHAT,), "a chat reply, not a reason"),
]


DATE_OWNER = {"partner_last": "{partner}", "match_last": "{match}"}   # else the product's own
OWNER_WORDS = {"{product}": "the product", "{partner}": "the partner", "{match}": "the product they bought"}


def group_of(slot: str, sentence: str) -> bool:
    """Does the sentence make `slot` the group of buyers ("customers who bought {x}", "{x} buyers")?

    "also" ends a group: "customers who bought {partner} also got {product}"."""
    s = re.escape("{" + slot + "}")
    # "Goes with your {partner}: {share} of the {partner_buyers} who bought it..." names the group by "it".
    if slot == "partner" and re.search(s + r".*\{partner_buyers\} (who|that) (\w+ ){0,2}(it|them|one)\b", sentence):
        return True
    # "You bought {partner} on {partner_last}; {share} of its buyers...": "its" is the partner, with no other name between.
    if slot == "partner" and re.search(s + r"(?:[^.!?{]|\{(?:partner_last|last|share)\})*?"
                                       r"\bits (?:other )?(?:buyers|customers|shoppers)\b", sentence, re.IGNORECASE):
        return True
    return bool(re.search(GROUP + r"(?:(?!\balso\b)[^.;!?{])*?" + s, sentence, re.IGNORECASE)
                or re.search(r"\{partner_buyers\}(?:(?!\balso\b)[^.;!?{])*?" + s, sentence, re.IGNORECASE)
                or re.search(s + r"\s+(buyers|owners|fans|shoppers|customers|lovers)\b", sentence, re.IGNORECASE))


def _nearest_name(sentence: str, at: int) -> str:
    """The name slot nearest to position `at` in the sentence; the recommended product when there is none."""
    found = [(abs(m.start() - at), m.group(0)) for m in re.finditer(r"\{(product|partner|contributor|match)\}", sentence)]
    return min(found)[1] if found else "{product}"


def personal(ev: dict) -> bool:
    """Does anything in the evidence come from the customer's own purchases?"""
    return bool(slots.owned(ev) or ev.get("co_purchase") or ev.get("contributors") or ev.get("content_match")
                or ev.get("affinity"))


def claim_problems(t: str, ev: dict) -> list[str]:
    """What the read-back text claims that its evidence does not back, one entry per false claim."""
    out = []
    bare = slots.SLOT.sub(" x ", t)
    if bad := numbers.in_text(bare):
        out += [f"number not tied to a fact: {n}" for n in bad]
    if m := SPELLED_COUNT.search(bare):
        out.append(f"number not tied to a fact: {m.group(0)}")
    bought, cycle = slots.owned(ev), slots.has_cycle(ev)
    same_day = slots.same_trip(ev)
    for sentence in SENTENCE.findall(t):
        history = SINCE_LAST_ORDER.sub("since {last_order}", sentence)
        if not bought:
            for m in HISTORY.finditer(history):
                if _nearest_name(sentence, m.start()) == "{product}" or "{product}" in m.group(0):
                    out.append(f"'{m.group(0)}': the customer never bought the product")
            # "You have bought {partner} about {product} too", "Your last post was a {partner} and {product} pair":
            # the pick joins what they bought.
            # ("You bought {partner}; {share} of the customers who bought it also got {product}": the others took it.)
            if ((m := YOU_BOUGHT.search(sentence)) and "{product}" in sentence and (a := ALSO.search(sentence))
                    and not re.search(GROUP + r"|\{partner_buyers\}", sentence[m.end():a.start()], re.I)
                    or (m := HISTORY.search(sentence)) and (j := JOINED.search(sentence)) and m.start() < j.start()):
                out.append(f"'{m.group(0)}': joins the product to what the customer bought; they never bought it")
            if m := HISTORY_LIST.search(sentence):
                out.append(f"'{m.group(0)}': lists the product among their past orders; they never bought it")
            if m := YOU_BOUGHT_PRODUCT.search(sentence):
                out.append(f"'{m.group(0)}': the customer never bought the product")
            elif (m := THEY_BOUGHT_PRODUCT.search(sentence)) and not re.search(GROUP, sentence[:m.start()], re.I):
                out.append(f"'{m.group(0)}': read as the customer's purchase; they never bought it")
        once = not cycle or ev["reorder"]["times_bought"] < 2
        if once and (m := AGAIN.search(sentence) or EARLIER_ONE.search(sentence)):
            out.append(f"'{m.group(0)}': the customer bought it once")
        if not personal(ev) and (m := YOUR_HISTORY.search(sentence)):
            out.append(f"'{m.group(0)}': nothing in the evidence comes from the customer's own purchases")
        if m := LAST_ORDER.search(history):
            out.append(f"'{m.group(0)}': the evidence does not say what their last order held")
        if (m := re.search(GROUP, sentence, re.I)) and not any(
                f in sentence for f in ("{partner}", "{buyers}", "{buyers_since}", "{contributor}", "{share}",
                                        "{partner_buyers}")):
            out.append(f"'{m.group(0)}': a claim about other customers without their figures")
        if m := TOGETHER.search(sentence):
            out.append(f"'{m.group(0)}': bought together, which the evidence does not say")
        if m := OUR_PRODUCT.search(sentence):
            out.append(f"'{m.group(0)}': a product is not a range")
        if not cycle and (m := CYCLE.search(sentence) or HABIT.search(sentence)):
            out.append(f"'{m.group(0)}': the customer has no reorder cycle for it")
        elif cycle and reorder_timing(ev) != "due" and (m := DUE_NOW.search(sentence)):
            due = ev["reorder"]["due_in_days"]
            out.append(f"'{m.group(0)}': it is not due for {round(due)} days" if due > 0 else
                       f"'{m.group(0)}': overdue by more than a whole gap, they stopped buying it")
        elif cycle and reorder_timing(ev) == "bought_before" and ((m := LAPSED_NOW.search(sentence))
                                                                  or "{due}" in sentence):
            # "{due}" reads "315 days overdue": said of a product they stopped buying (session 13 audit).
            out.append(f"'{m.group(0) if m else '{due}'}': overdue by more than a whole gap, they stopped buying it")
        for m in re.finditer(r"\{(last|ago|partner_last|match_last)\}", sentence):
            # Each date is one product's: the product's own purchase, the partner's or the match's ("the {partner} you
            # bought on {last}" dates the partner with the product's purchase); the name it follows says whose. Bought
            # on one trip, the product and its partner have the one date, which reads as the product's.
            whose = re.findall(NAME, sentence[:m.start()])
            owner = DATE_OWNER.get(m.group(1), "{product}")
            if whose and whose[-1] != owner and not (m.group(1) == "last" and whose[-1] == "{partner}" and same_day):
                out.append(f"{{{m.group(1)}}} said of {whose[-1]}, not of {OWNER_WORDS[owner]}")
        if "{last_order}" in sentence and "{buyers_since}" not in sentence:
            # "{buyers} have bought it since your last order": all its buyers, not those since.
            out.append("their last order's date without how many customers bought it since")
        if re.search(r"\bout of (?:the |your |our )?" + NAME, sentence, re.I):
            out.append("'out of' a product: a share of buyers, not of a product")
        some = bool(SOME_BUYERS.search(sentence)) and group_of("partner", sentence)
        if re.search(r"\bout of\b", sentence, re.I) and "{partner}" in sentence and "{share}" not in sentence:
            out.append("'out of' the partner's buyers without the share that took it")
        elif "{partner_buyers}" in sentence and "{share}" not in sentence and not some:
            # "1,103 customers who bought yogurt also bought other vegetables": 43% of them did (session 13 audit).
            out.append("the partner's buyers without the share of them that took it: it says all of them did")
        if ("{partner}" in sentence and "{share}" not in sentence and ev["co_purchase"]["confidence"] < STRONG_SHARE
                and not some):
            out.append(f"a weak pair ({numbers.pct(ev['co_purchase']['confidence'])}) stated without its share")
        elif ("{partner}" in sentence and "{share}" not in sentence and group_of("partner", sentence)
              and not (STRONG_PAIR.search(sentence) or SOME.search(sentence))):
            # "Customers who bought {partner} also bought {product}" says all of them did (2 of 4: session 13).
            out.append("the partner's buyers without how many of them took it: it says all of them did")
        figures = [s for s in ("{share}", "{partner_buyers}") if s in sentence]
        if figures and "{partner}" not in sentence:
            out.append("co-purchase figures without the product they are about")
        elif "{share}" in sentence and (not group_of("partner", sentence) or not re.search(
                r"\{share\} of\b|\bout of \{partner_buyers\}", sentence, re.IGNORECASE)):
            out.append("a share without whose buyers it counts")
        if (m := PRODUCT_BUYS.search(sentence)) and not re.search(GROUP + r"|\bwho\b", sentence[:m.start()], re.I) \
                or (m := PRODUCT_WHO.search(sentence)):
            out.append(f"'{m.group(0)}': a product does not buy or like")
        if "{partner}" in t and group_of("product", sentence):
            out.append("co-purchase direction reversed: the recommended product's buyers")
        if "{partner}" in sentence and (m := STRONG_PAIR.search(sentence)):
            pair = ev["co_purchase"]
            if pair["confidence"] < STRONG_SHARE:
                out.append(f"'{m.group(0)}' for {numbers.pct(pair['confidence'])} of the partner's buyers")
            elif pair["customers_both"] < STRONG_PAIR_BUYERS:
                out.append(f"'{m.group(0)}' for {pair['customers_both']} customers")
        if "{partner}" in sentence and (m := MOST.search(sentence)) and ev["co_purchase"]["confidence"] <= 0.5:
            out.append(f"'{m.group(0)}' for {numbers.pct(ev['co_purchase']['confidence'])} of the partner's buyers")
        if ("{share}" in sentence and "{partner_buyers}" not in t
                and ev["co_purchase"]["customers_with"] < SMALL_GROUP):
            out.append(f"a share of only {ev['co_purchase']['customers_with']} customers without their count")
        if (m := WORD_AS_RANGE.search(sentence)) and ev["content_match"]["attribute"] == "word":
            out.append(f"'{m.group(0)}': the names share a word; the shop has no such range")
        if "{label_share}" in sentence and "{label}" not in sentence:
            out.append("a share of purchases without its label")
        for figure, context in FIGURE_CONTEXT.items():
            if "{" + figure + "}" in sentence and not context.search(sentence):
                out.append(f"{{{figure}}} outside the claim it states")
        for patterns, why in FALSE_WORDING:
            if m := next(filter(None, (p.search(sentence) for p in patterns)), None):
                out.append(f"'{m.group(0)}': {why}")
        if (m := POPULAR_PAIR.search(sentence)) and "{partner}" not in sentence:
            # "Lunch Bag Red Retrospot: a popular pairing with Memo Board Retrospot Design." of two names that share a
            # word (Online Retail Quick, session 17): only customers who bought both make a pair, popular or not.
            out.append(f"'{m.group(0)}' of products no customers are said to buy together")
        if WITH_PRODUCT.search(sentence):
            out.append("pairs the recommended product with itself")
        elif PAIRING.search(sentence) and not any(c in t for c in COMPANIONS):
            out.append("a pairing without the product it pairs with")
        rank = (ev.get("popularity") or {}).get("rank")
        pop = POPULAR.search(sentence)
        if pop and not (rank and rank <= BEST_SELLER_RANK) \
                and not (POPULAR_PAIR.search(sentence) and "{partner}" in sentence):
            out.append(f"'{pop.group(0)}' without the popularity to back it")
        elif (m := TOP_ONE.search(sentence)) and rank != 1:
            out.append(f"'{m.group(0)}': the shop's number one; this is number {rank}")
        elif pop and _nearest_name(sentence, pop.start()) in ("{match}", "{contributor}"):
            out.append(f"'{pop.group(0)}': said of what they bought, whose popularity the evidence does not give")
    return out


def style_problems(text: str, t: str) -> list[str]:
    """What keeps the text from being one finished, readable reason (not claims)."""
    out = []
    words = text.split()
    if not MIN_WORDS <= len(words) <= MAX_WORDS or len(text) > MAX_CHARS:
        out.append(f"length {len(words)} words")
    counts = collections.Counter(w.strip(".,!?;:").casefold() for w in words)
    if words and counts.most_common(1)[0][1] > max(3, len(words) // 4):
        out.append("repetitive")
    toks = re.findall(r"\{\w+\}|\w+", t.casefold())
    grams = collections.Counter(zip(toks, toks[1:], toks[2:]))
    if grams and grams.most_common(1)[0][1] > 1:
        out.append("repeats a phrase: " + " ".join(grams.most_common(1)[0][0]))
    elif m := STUTTER.search(t):
        out.append("repeats a phrase: " + m.group(1))
    if PROMPT_ECHO.search(text):
        out.append("echoes the prompt")
    if not text.rstrip().endswith((".", "!", "?")):
        out.append("unfinished sentence")
    for sentence in SENTENCE.findall(t):
        n_slots = len(slots.SLOT.findall(sentence))
        n_words = len(re.findall(r"[^\W\d_]+", slots.SLOT.sub(" ", sentence)))
        if (n_slots >= 2 and n_words == 0 or n_slots >= 3 and n_words < 3
                or re.match(r"\s*\{\w+\}\s*[-(]", sentence)):
            out.append("a list of facts, not a sentence")
            break
    if ORDERS_LISTED.search(t):
        out.append("a list of their past orders, not a reason")
    if re.search(r"\b(on|at|in) \{ago\}", t):
        out.append("garbled: a date and a count of days in one")
    named = r"\{(?:" + "|".join(slots.NAME_SLOTS + slots.LABEL_SLOTS) + r")\}"
    if re.search(named + r"\s*" + named, t):
        out.append("garbled: two facts run together")
    if re.search(named + r"\s+(?:is\s+|are\s+)?on\s+(?:the\s+)?" + named, t):
        out.append("garbled: one product 'on' another")
    if re.search(r"\ba \{share\}|\{share\} of (?:their |your |the |our |a )?" + named
                 + r"(?!\s+(?:buyers|customers|shoppers|fans|purchasers|lovers))", t, re.IGNORECASE):
        out.append("garbled: a share of a product, not of its buyers")
    for sentence in SENTENCE.findall(t):
        twice = [s for s in set(re.findall(named, sentence)) if s != "{product}" and sentence.count(s) > 1]
        if twice:
            out.append(f"garbled: {twice[0]} twice in one sentence")
            break
    return out


def check(text: str, ev: dict, catalogue: set[str] | frozenset = frozenset()) -> Check:
    # A slot the model wrote and the evidence could not fill ("{share}" with no co-purchase) is no claim
    # to read: the claims below look up the evidence behind each slot (a Quick adapter's "{share} of ..."
    # for a suggestion without a pair stopped a run, session 12).
    if unfilled := slots.SLOT.findall(text):
        return Check(False, [f"a slot the evidence cannot fill: {{{unfilled[0]}}}"], text)
    t = slots.delexicalise(text, ev)
    problems = style_problems(text, t)
    unrelated = sorted(names_in(slots.SLOT.sub(" x ", t), catalogue), key=len, reverse=True)
    for name in unrelated:   # a product of the shop the evidence does not hold: one false claim, not more
        t = re.sub(slots.word(name), "{other}", t, flags=re.IGNORECASE)
    false = claim_problems(t, ev)
    if unrelated:
        false.append("names products outside the evidence: " + ", ".join(unrelated))
    bare = slots.SLOT.sub(" x ", t)
    invented = [m for m in CAPITALISED_RUN.findall(bare) if len(m.split()) >= 2]
    invented += [w for w in re.findall(r"\b[A-Z]{3,}\b", bare) if w not in invented]
    if invented:
        false.append("unknown products: " + ", ".join(invented))
    if "{product}" not in t:
        problems.append("does not name the product it recommends")
    # Named twice, the recommended product is nearly always paired with itself ("People who buy X often add X too").
    if t.count("{product}") > 1:
        false.append("names {product} twice")
    # A figure stated twice is stated once for something else ("37% of ... also bought yogurt: 37% of the pair").
    false += [f"states {{{s}}} twice" for s in set(slots.SLOT.findall(t))
              if s in slots.FIGURES and t.count("{" + s + "}") > 1]
    claims = len(slots.SLOT.findall(t)) + sum(len(r.findall(t)) for r in (HISTORY, CYCLE, POPULAR, PAIRING))
    problems += false
    return Check(not problems, problems, t, max(claims, len(false)), len(false), invented, unrelated)


# The slots that state each feature: a reason mentions the feature when it fills one of them.
FEATURE_SLOTS = {
    "reorder": ("times", "every", "due"),
    "co_purchase": ("partner",),
    "contributor": ("contributor",),
    "content": ("match", "match_on"),
    "affinity": ("label",),
    "bought_before": ("last", "ago"),
    "popularity": ("buyers", "buyers_since"),
    "product": ("category", "vendor", "tag", "price", "phrase"),
}


def mentions_feature(text: str, ev: dict, feature: str) -> bool:
    """Does the text state the given feature of the evidence (PETER's feature matching)?"""
    t = slots.delexicalise(text, ev)
    if feature == "popularity" and POPULAR.search(t):
        return True
    if feature == "product" and not any(s in slots.values(ev) for s in FEATURE_SLOTS["product"]):
        return "{product}" in t   # a product with no catalogue facts: its name is all there is to say
    return any("{" + s + "}" in t for s in FEATURE_SLOTS[feature])
