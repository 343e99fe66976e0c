"""Hand-labelled reasons, each with the evidence it was written for: the claim checker's test corpus.

WRONG holds every false reason the audits found that the old names-and-numbers checker passed
(issue 14), rebuilt on the evidence they were written for, and more of the same kinds. TRUE holds
reasons a person reading the evidence would call true, in many phrasings, from the silver
phrasings, the models' own drafts and hand-written ones. Labels are by hand, not by the checker.
"""


def ev(name, kind="discover", partner=None, customers_with=None, share=None, times=None, every=None,
       last=None, since=None, contributors=(), match=None, match_attribute="word", affinity=None, buyers=None,
       rank=None, partner_last=None, match_last=None, last_order=None, buyers_since=None, **facts):
    """Evidence as the recommender writes it (engine/evidence.py), from the few facts a case needs."""
    out = {"kind": kind, "as_of": "2011-12-09", "product": {"id": 1, "name": name, **facts},
           "contributors": [{"product_id": 10 + i, "name": c, "weight": 0.5} for i, c in enumerate(contributors)],
           "co_purchase": None, "reorder": None, "affinity": None, "customer_tags": []}
    if partner:
        out["co_purchase"] = {"with_product_id": 2, "with_name": partner, "customers_with": customers_with,
                              "customers_both": round(customers_with * share), "confidence": share,
                              "support": 0.01, "lift": 2.0}
        if partner_last:
            out["co_purchase"]["with_last_bought"] = partner_last
    if last:
        out["reorder"] = {"times_bought": times or 1, "typical_days_between": every, "last_bought": last,
                          "days_since_last": since, "due_in_days": None if every is None else every - since}
        out["kind"] = "reorder"
    if match:
        out["content_match"] = {"product_id": 3, "name": match[0], "attribute": match_attribute, "value": match[1]}
        if match_last:
            out["content_match"]["last_bought"] = match_last
    if affinity:
        out["affinity"] = {"label": affinity[0], "share": affinity[1]}
    if buyers:
        out["popularity"] = {"customers": buyers, "rank": rank or 100}
        if last_order:
            out["popularity"].update(last_order=last_order, customers_since=buyers_since)
    return out


CANDY = ev("whole milk", partner="candy", customers_with=210, share=0.54)
YOGURT = ev("yogurt", kind="reorder", partner="sliced cheese", customers_with=202, share=0.36, last="2014-10-08",
            since=448)
ICE_CREAM = ev("rolls/buns", partner="ice cream", customers_with=220, share=0.43)
CAKESTAND = ev("REGENCY CAKESTAND 3 TIER", buyers=180, rank=2)
LUNCH_BAG = ev("LUNCH BAG RED RETROSPOT", buyers=90, rank=12)
BUNTING = ev("SPOTTY BUNTING", buyers=40, rank=60)
TOADSTOOL = ev("TOADSTOOL MONEY BOX", partner="JINGLE BELL HEART DECORATION", customers_with=11, share=0.18)
RIBBONS = ev("CHOCOLATE BOX RIBBONS", partner="SET OF 3 WOODEN TREE DECORATIONS", customers_with=44, share=0.18)
JUMBO = ev("JUMBO BAG RED RETROSPOT", buyers=300, rank=1)
SPACEBOY = ev("LUNCH BAG SPACEBOY DESIGN", buyers=70, rank=20)
COWBOY = ev("CARD BIRTHDAY COWBOY", last="2011-01-26", since=317)
KIT = ev("Facial Hair Removal Kit - 1 Pcs", last="2026-04-01", times=2, every=0.0, since=4)
BED_PAD = ev("Positioning Bed Pad - Buy 1", buyers=3, rank=400)
MILK = ev("whole milk", partner="sugar", customers_with=250, share=0.56, buyers=1500, rank=1)
SODA = ev("soda", kind="reorder", last="2015-06-01", times=3, every=162.0, since=60)
SODA_DUE = ev("soda", kind="reorder", last="2015-06-01", times=3, every=30.0, since=28)
# Overdue by more than a whole gap: the recommender reads it as "they stopped buying it" (evidence.due_timing).
SODA_LAPSED = ev("soda", kind="reorder", last="2015-06-01", times=3, every=30.0, since=400)
SODA_LAPSED["reorder"].update(expected_days_between=30.0, timing="bought_before")
# Bought twice, 92 days apart, last 468 days ago: overdue by 315 days against an expected 153 (a fresh audit, session 13).
MILK_LAPSED = ev("whole milk", kind="reorder", last="2014-09-18", times=2, every=92.0, since=468)
MILK_LAPSED["reorder"].update(expected_days_between=153.3, due_in_days=-314.7, timing="bought_before")
ROLLS = ev("rolls/buns", partner="pot plants", customers_with=50, share=0.46)
# 3 of 71: a share that argues against the pick; said as "some of" the partner's buyers (session 16).
PARTY_PAIR = ev("REGENCY CAKESTAND 3 TIER", partner="PARTY BUNTING", customers_with=71, share=0.042, buyers=56, rank=3,
                partner_last="2011-10-26")
WEAK = ev("FELTCRAFT PRINCESS CHARLOTTE DOLL", partner="SET OF 4 PANTRY JELLY MOULDS", customers_with=31, share=0.06)
PARTY = ev("PARTY BUNTING", match=("PAPER BUNTING VINTAGE PAISLEY", "Bunting"), buyers=71, rank=1)
PARTY_CATEGORY = ev("PARTY BUNTING", match=("PAPER BUNTING VINTAGE PAISLEY", "Bunting"), match_attribute="category")
HOLDER = ev("WHITE HANGING HEART T-LIGHT HOLDER", match=("WHITE WIRE EGG HOLDER", "Holder"), buyers=56, rank=3)
AMELIE = ev("FELTCRAFT GIRL AMELIE KIT", last="2011-11-17", since=22)
STRINGS = ev("Elixir Nanoweb Strings 10-46", kind="reorder", last="2024-03-01", times=4, every=29.6, since=27,
             category="Strings", vendor="Elixir", price=12.99)
PEDAL = ev("Boss DS-1 Distortion", contributors=["Fender Stratocaster"], affinity=("Effects", 0.35),
           category="Effects", vendor="Boss")

# Cases the fast-engine benchmark (issue 17) found passing the checker, on the evidence they were written for.
CREAM = ev("yogurt", partner="cream cheese", customers_with=345, share=0.33)
BAGS = ev("soda", partner="shopping bags", customers_with=500, share=0.38)
SEX_BOMB = ev("HOT WATER BOTTLE SEX BOMB", last="2011-10-01", since=69,
              match=("FAWN BLUE HOT WATER BOTTLE", "Water"))
T_LIGHT = ev("3 HEARTS HANGING DECORATION RUSTIC", last="2011-10-01", since=69,
             match=("VICTORIAN GLASS HANGING T-LIGHT", "Hanging"))
CAKE_CASES = ev("PACK OF 72 RETROSPOT CAKE CASES", last="2011-10-01", since=69,
                match=("PACK OF 60 PINK PAISLEY CAKE CASES", "Cases"))
SUGAR_BOWL = ev("PARTY BUNTING", partner="REGENCY SUGAR BOWL GREEN", customers_with=8, share=0.25, buyers=300, rank=1)

# The Standard preset with base-model rewordings in its training data (session 7's first audit).
SAUSAGE = ev("yogurt", partner="sausage", customers_with=803, share=0.37, buyers=1103, rank=5)
MARSHMALLOW = ev("soda", partner="chocolate marshmallow", customers_with=60, share=0.37, buyers=1222, rank=4)
NAPKINS = ev("rolls/buns", partner="napkins", customers_with=317, share=0.44, buyers=1363, rank=3)
FROZEN = ev("rolls/buns", partner="frozen meals", customers_with=245, share=0.45, buyers=1363, rank=3)
WAFFLES = ev("soda", partner="waffles", customers_with=269, share=0.35, buyers=1222, rank=4)
# The date the customer last bought the partner (session 14), for a product they never bought and for one they did.
BUNS_DATED = ev("whole milk", partner="rolls/buns", customers_with=1000, share=0.51, partner_last="2015-03-03")
CHEESE_DATED = ev("yogurt", kind="reorder", partner="sliced cheese", customers_with=202, share=0.36, last="2014-10-08",
                  since=448, partner_last="2014-06-02")
# Bought on one trip with the pick: the partner's date is the pick's (a Standard adapter's drafts, session 14).
ROOTS_ONE_TRIP = ev("root vegetables", kind="reorder", partner="frozen potato products", customers_with=80, share=0.4,
                    last="2015-08-25", since=60, partner_last="2015-08-25")
# The day they bought the product that shares a word, and how many bought a best seller since their last order
# (session 19).
HOLDER_DATED = ev("WHITE HANGING HEART T-LIGHT HOLDER", match=("WHITE WIRE EGG HOLDER", "Holder"), match_last="2011-06-14",
                  buyers=56, rank=3, last_order="2011-09-20", buyers_since=21)
JUMBO_SINCE = ev("JUMBO BAG RED RETROSPOT", buyers=300, rank=1, last_order="2011-05-03", buyers_since=48)
# The match bought on the day of the customer's last order: one date, read as the match's after its name.
REGENCY_ONE_DAY = ev("REGENCY CAKESTAND 3 TIER", match=("SWEETHEART CAKESTAND 3 TIER", "Cakestand"),
                     match_last="2011-11-02", buyers=180, rank=2, last_order="2011-11-02", buyers_since=30)
POT_PLANTS = ev("other vegetables", partner="pot plants", customers_with=116, share=0.51, buyers=1468, rank=2)

WRONG = [
    (SAUSAGE, "Yogurt is a popular pairing: sausage is a favorite among your customers."),
    (MARSHMALLOW, "The chocolate marshmallow is a great choice for soda."),
    (NAPKINS, "Rolls/buns is a gift: 44% of the customers who bought napkins took some too."),
    (FROZEN, "You have frozen meals your favorite rolls/buns in your home."),
    (WAFFLES, "Waffles is a popular pairing: soda is a well-known choice."),
    (POT_PLANTS, "Other vegetables is a favorite among many, but it's also popular among the pot plants's favorite "
                 "pairings."),
    (CREAM, "People who buy cream cheese often add a 33% of their yogurt."),
    (BAGS, "38% of shopping bags buyers who bought shopping bags also picked up soda."),
    (SEX_BOMB, "You bought Fawn Blue Hot Water Bottle on Hot Water Bottle Sex Bomb."),
    (T_LIGHT, "Based on your past orders, Victorian Glass Hanging T-light is on 3 Hearts Hanging Decoration Rustic."),
    (CAKE_CASES, "Based on the Cases range Pack Of 72 Retrospot Cake Cases, you have Pack Of 60 Pink Paisley Cake "
                 "Cases, so Cases pairs well with Cases?"),
    (SUGAR_BOWL, "Since you have Regency Sugar Bowl Green, Party Bunting is a popular pairing."),
    # Purchase-history wording about a product the customer never bought.
    (CAKESTAND, "You have REGENCY CAKESTAND 3 TIER."),
    (LUNCH_BAG, "LUNCH BAG RED RETROSPOT was one you have, too. You have it."),
    (BUNTING, "Your last SPOTTY BUNTING?"),
    (BUNTING, "Another SPOTTY BUNTING for your collection? It is a lovely pick."),
    (CAKESTAND, "Liked your REGENCY CAKESTAND 3 TIER? Here it is again."),
    (ROLLS, "You bought rolls/buns before, and 46% of pot plants buyers did too."),
    (TOADSTOOL, "Your TOADSTOOL MONEY BOX goes well with JINGLE BELL HEART DECORATION."),
    # Co-purchase direction reversed, or the partner recommended instead of the product.
    (TOADSTOOL, "Out of 11 customers with TOADSTOOL MONEY BOX, 18% of them have JINGLE BELL HEART DECORATION."),
    (RIBBONS, "Another SET OF 3 WOODEN TREE DECORATIONS (18% of customers with SET OF 3 WOODEN TREE DECORATIONS)"
              " also got CHOCOLATE BOX RIBBONS."),
    (TOADSTOOL, "18% of customers who bought TOADSTOOL MONEY BOX also bought JINGLE BELL HEART DECORATION."),
    (ROLLS, "People who buy rolls/buns often add pot plants too (46% of them)."),
    (MILK, "Out of 250 customers with whole milk, 56% also bought sugar."),
    # A pairing with the product itself, or with nothing.
    (JUMBO, "Goes well with JUMBO BAG RED RETROSPOT."),
    (ROLLS, "Rolls/buns goes well with your rolls/buns and pot plants."),
    (BUNTING, "SPOTTY BUNTING goes together nicely with your order."),
    # Invented names and garbled sentences.
    (SPACEBOY, "LUNCH BAG SPACEBOY DESIGN is your ALICE."),
    (COWBOY, "Your last CARD BIRTHDAY COWBOY was on 2011-01-26, so it was on 317 days ago."),
    (SPACEBOY, "LUNCH BAG SPACEBOY DESIGN is loved by Mary Jane Watson."),
    # The prompt echoed; a count the evidence holds for another claim.
    (KIT, "Facial Hair Removal Kit - 3 times, every 0 days, last 2026-04-01, 3 days overdue."),
    (KIT, "You buy Facial Hair Removal Kit every 0 days, so it is due."),
    (STRINGS, "You have bought Elixir Nanoweb Strings 10-46 27 times."),
    (STRINGS, "You buy Elixir Nanoweb Strings 10-46 every 4 days."),
    (STRINGS, "Elixir Nanoweb Strings 10-46 are 27 days overdue."),
    (STRINGS, "discover: Elixir Nanoweb Strings 10-46 (Strings, Elixir, 12.99)"),
    # Cycle wording without a cycle, or "due" when it is not.
    (COWBOY, "Running low on CARD BIRTHDAY COWBOY? Time to restock."),
    (COWBOY, "Your usual CARD BIRTHDAY COWBOY is waiting for you."),
    (SODA, "Running low? You usually pick up soda every 162 days."),
    (SODA, "Time to restock soda: your last one was 60 days ago."),
    (SODA_LAPSED, "Running low? You usually pick up soda every 30 days."),
    (SODA_LAPSED, "Time to restock soda: your last one was 400 days ago."),
    # Stock lines repeated, popularity it does not have, strong words for a weak pair.
    (BED_PAD, "Positioning Bed Pad - Buy 1, a popular choice in our shop, a popular choice in our shop."),
    (BUNTING, "SPOTTY BUNTING is one of our best sellers."),
    (WEAK, "Many SET OF 4 PANTRY JELLY MOULDS buyers also choose FELTCRAFT PRINCESS CHARLOTTE DOLL."),
    (WEAK, "FELTCRAFT PRINCESS CHARLOTTE DOLL pairs nicely with the SET OF 4 PANTRY JELLY MOULDS you bought."),
    # Found in the hand audit of the first slot-writing model (Groceries, Quick preset).
    (CANDY, "Your candy also bought whole milk."),
    (YOGURT, "Yogurt pairs nicely with sliced cheese buyers, so we saved you 36%."),
    (ICE_CREAM, "You have ice cream who buy rolls/buns."),
    (ROLLS, "Pot plants also picked up rolls/buns."),
    (CANDY, "Candy again bought whole milk."),
    (ICE_CREAM, "An ice cream who likes rolls/buns often takes it home too."),
    (ev("yogurt", partner="sausage", customers_with=803, share=0.37),
     "37% of 803 customers who bought sausage also bought yogurt: 37% of the pair."),
    (ev("soda", partner="sugar", customers_with=257, share=0.40), "You bought sugar soda."),
    (ev("other vegetables", partner="chewing gum", customers_with=174, share=0.46),
     "Chewing gum has ordered other vegetables."),
    (ev("whole milk", partner="chewing gum", customers_with=174, share=0.57),
     "You have bought chewing gum about whole milk too."),
    (ev("other vegetables", partner="shopping bags", customers_with=656, share=0.43),
     "Out of the 656 customers who bought shopping bags also bought other vegetables."),
    (ev("other vegetables", partner="yogurt", customers_with=1103, share=0.43),
     "Many customers also choose yogurt because they like it other vegetables."),
    # Found in the hand audit of the first slot-writing model (Online Retail, Quick preset).
    (ev("BASKET OF TOADSTOOLS", last="2011-11-18", since=21),
     "So, you have Basket Of Toadstools that was 21 days ago, so buy it 18 November 2011."),
    (ev("SET OF 6 TEA TIME BAKING CASES", last="2011-08-18", since=113, match=("WALL ART STOP FOR TEA", "Tea")),
     "You bought Wall Art Stop For Tea; it is Set Of 6 Tea Time Baking Cases."),
    (JUMBO, "Jumbo Bag Red Retrospot is one of our most popular 300 customers have bought."),
    (JUMBO, "300 customers often pick up Jumbo Bag Red Retrospot."),
    (JUMBO, "Jumbo Bag Red Retrospot is often bought by 300 customers."),
    (JUMBO, "Out of our 300 customers have Jumbo Bag Red Retrospot too."),
    (JUMBO, "Jumbo Bag Red Retrospot is one of your most popular."),
    (ev("PINK DRAWER KNOB ACRYLIC EDWARDIAN", last="2011-07-11", since=151),
     "You have a Pink Drawer Knob Acrylic Edwardian that has been 151 days ago."),
    (ev("3 STRIPEY MICE FELTCRAFT", last="2011-11-16", since=23),
     "Out of 3 Stripey Mice Feltcraft 23 days ago, so you buy it before 16 November 2011."),
    (ev("REGENCY CAKESTAND 3 TIER", partner="TRADITIONAL WOODEN CATCH CUP GAME", customers_with=12, share=0.17),
     "Traditional Wooden Catch Cup Game has purchased Regency Cakestand 3 Tier."),
    (ev("PINK BLUE FELT CRAFT TRINKET BOX", last="2011-02-22", since=290), "Pink Blue Felt Craft Trinket Box is 290 days ago."),
    (ev("6 RIBBONS RUSTIC CHARM", last="2011-10-17", times=2, every=144.0, since=53), "6 Ribbons Rustic Charm is 53 days ago."),
    (ev("SET OF 2 TRAYS HOME SWEET HOME", last="2011-09-19", since=81),
     "Set Of 2 Trays Home Sweet Home is on 19 September 2011; you have 81 days ago so far."),
    (ev("PARTY BUNTING", partner="ALARM CLOCK BAKELIKE CHOCOLATE", customers_with=18, share=0.17),
     "A 18 customers has Alarm Clock Bakelike Chocolate of Party Bunting too."),
    (ev("HOT BATHS METAL SIGN", last="2011-09-09", times=2, every=141.0, since=91),
     "You have ordered Hot Baths Metal Sign twice, and it has been 91 days ago."),
    (ev("JUMBO BAG RED RETROSPOT", partner="POPCORN HOLDER", customers_with=34, share=0.09),
     "People who buy Popcorn Holder also buy Jumbo Bag Red Retrospot."),
    (ev("PARTY BUNTING", partner="PAPER CHAIN KIT RETROSPOT", customers_with=16, share=0.19),
     "Your last post was a Paper Chain Kit Retrospot and Party Bunting pair that go together."),
    (ev("SET OF 6 TEA TIME BAKING CASES", kind="reorder", match=("WALL ART STOP FOR TEA", "Tea")),
     "You have ordered Wall Art Stop For Tea; it is part of our Set Of 6 Tea Time Baking Cases."),
    (ev("ROMANTIC PINKS RIBBONS", last="2011-11-13", since=26), "You picked up Romantic Pinks Ribbons again."),
    (ev("PINK DRAWER KNOB ACRYLIC EDWARDIAN", last="2011-07-11", since=151),
     "Your last one was Pink Drawer Knob Acrylic Edwardian."),
    (ev("SET OF 2 TRAYS HOME SWEET HOME", last="2011-09-19", since=81),
     "Your last order was Set Of 2 Trays Home Sweet Home."),
    (ev("RIBBON REEL FLORA + FAUNA", last="2010-12-16", since=358),
     "Based on your last order, we've picked up Ribbon Reel Flora + Fauna."),
    (ev("6 RIBBONS RUSTIC CHARM", last="2011-10-17", times=2, every=144.0, since=53),
     "People often choose your 6 Ribbons Rustic Charm due in 91 days."),
    (ev("GROW YOUR OWN BASIL IN ENAMEL MUG", kind="reorder", partner="LUNCH BAG PINK POLKADOT", customers_with=35,
        share=0.06), "With Lunch Bag Pink Polkadot buying Grow Your Own Basil In Enamel Mug, you have a 6% of customers"
                     " who have taken a Lunch Bag Pink Polkadot too."),
    (ev("REGENCY CAKESTAND 3 TIER", partner="SET 2 TEA TOWELS I LOVE LONDON", customers_with=15, share=0.13),
     "Out of Set 2 Tea Towels I Love London buyers who bought Set 2 Tea Towels I Love London also bought Regency "
     "Cakestand 3 Tier."),
    (JUMBO, "You buy Jumbo Bag Red Retrospot many times?"),
    (ev("SET OF 6 TEA TIME BAKING CASES", kind="reorder", match=("WALL ART STOP FOR TEA", "Tea")),
     "You have ordered Wall Art Stop For Tea; it is part of Set Of 6 Tea Time Baking Cases."),
    (ev("SET OF 6 TEA TIME BAKING CASES", last="2011-08-18", since=113, match=("WALL ART STOP FOR TEA", "Tea")),
     "You buy Wall Art Stop For Tea with Set Of 6 Tea Time Baking Cases; so you share it too."),
    (ev("SET OF 6 TEA TIME BAKING CASES", last="2011-08-18", since=113, match=("WALL ART STOP FOR TEA", "Tea"),
        buyers=5, rank=900), "Out of Wall Art Stop For Tea, Set Of 6 Tea Time Baking Cases is a favorite."),
    (ev("soda", partner="ham", customers_with=247, share=0.36),
     "Ham brings soda together in a unique way that makes it a special combination."),
    # The Online Retail Standard audit (session 8): a shared word of two names is not a range of the shop;
    # a share of 3 or 6 customers stated as if it were a statistic; timing talk after one purchase.
    (ev("SET OF 6 TEA TIME BAKING CASES", last="2011-08-18", since=113, match=("WALL ART STOP FOR TEA", "Tea")),
     "You bought Wall Art Stop For Tea; Set Of 6 Tea Time Baking Cases is from the same Tea range."),
    (HOLDER, "More from our Holder range, to go with your White Wire Egg Holder: White Hanging Heart T-light Holder."),
    (PARTY, "Since you picked Paper Bunting Vintage Paisley, have a look at Party Bunting, also in our Bunting range."),
    (ev("WHITE METAL LANTERN", partner="VINTAGE BILLBOARD DRINK ME MUG", customers_with=3, share=0.67),
     "67% of customers who bought Vintage Billboard Drink Me Mug also picked up White Metal Lantern."),
    (ev("FELT EGG COSY CHICKEN", kind="reorder", partner="VINTAGE RED ENAMEL TRIM MUG", customers_with=6,
        share=0.33), "33% of customers who bought Vintage Red Enamel Trim Mug also bought Felt Egg Cosy Chicken."),
    (AMELIE, "Your last Feltcraft Girl Amelie Kit was on 17 November 2011; time for another?"),
    # The Online Retail Quick audit after the weak-pair change (session 9): an invented source, personal
    # wording for a popularity pick, and sentences garbled past every claim.
    (ev("SPOTTY BUNTING", buyers=45, rank=3),
     "Based on your past orders and a recommendation from a loyal customer, 45 customers have already ordered "
     "Spotty Bunting."),
    (ev("SPOTTY BUNTING", buyers=45, rank=3), "Based on your previous purchases, Spotty Bunting is a great pick."),
    (ev("SPOTTY BUNTING", buyers=45, rank=3), "Spotty Bunting is rated highly: 45 customers have bought it."),
    (ev("WHITE HANGING HEART T-LIGHT HOLDER", match=("ROTATING SILVER ANGELS T-LIGHT HLDR", "Light")),
     "You bought Rotating Silver Angels T-light Hldr about White Hanging Heart T-light Holder."),
    (ev("RAINY LADIES BIRTHDAY CARD", last="2011-10-17", since=53),
     "You buy Rainy Ladies Birthday Card before, so it was 53 days ago."),
    (ev("3 STRIPEY MICE FELTCRAFT", last="2011-11-16", since=23),
     "3 Stripey Mice Feltcraft again before, last on 16 November 2011."),
    (ev("LETS GO SHOPPING COTTON TOTE BAG", last="2011-11-21", since=18),
     "You bought Lets Go Shopping Cotton Tote Bag 18 days ago before."),
    (ev("REGENCY CAKESTAND 3 TIER", buyers=56, rank=3), "56 customers have bought it Regency Cakestand 3 Tier."),
    (ev("HAND WARMER BABUSHKA DESIGN", last="2011-09-23", since=77, match=("HAND WARMER RED RETROSPOT", "Hand")),
     "Based on your past orders, you tend to buy Hand Warmer Red Retrospot, often with Hand Warmer Babushka Design."),
    (ev("MINI CAKE STAND  HANGING STRAWBERY", last="2011-03-14", since=270,
        match=("MINI CAKE STAND WITH HANGING CAKES", "Stand")),
     "Another Mini Cake Stand With Hanging Cakes, like Mini Cake Stand Hanging Strawbery."),
    (ev("PARTY BUNTING", partner="STRAWBERRY BATH SPONGE", customers_with=5, share=0.4),
     "Your past orders of Strawberry Bath Sponge have also been Party Bunting."),
    (ev("RAINY LADIES BIRTHDAY CARD", last="2011-10-17", since=53), "Rainy Ladies Birthday Card was 53 days ago."),
    # The Groceries Quick audit (session 9): the customer's "buyers", a product that buys, pairing with people.
    (ev("sausage", partner="sugar", customers_with=257, share=0.31), "Your sugar buyers also buy sausage."),
    (ev("bottled water", partner="sugar", customers_with=257, share=0.30),
     "Based on your previous orders, sugar likely buys bottled water."),
    (ev("bottled water", partner="flour", customers_with=142, share=0.28),
     "Based on your past orders, flour might have ordered bottled water too."),
    (ev("bottled water", partner="sugar", customers_with=257, share=0.30), "Bottled water pairs nicely with sugar buyers."),
    # The Online Retail Quick audit after the explore merge (session 9).
    (ev("HAND WARMER BABUSHKA DESIGN", last="2011-09-23", since=77, match=("HAND WARMER RED RETROSPOT", "Hand")),
     "You bought Hand Warmer Red Retrospot, so Hand Warmer Babushka Design is Hand."),
    (ev("MINI CAKE STAND  HANGING STRAWBERY", last="2011-03-14", since=270,
        match=("MINI CAKE STAND WITH HANGING CAKES", "Stand")),
     "You bought Mini Cake Stand With Hanging Cakes, and it Stand you picked Mini Cake Stand Hanging Strawbery."),
    (ev("PARTY BUNTING", partner="STRAWBERRY BATH SPONGE", customers_with=5, share=0.4),
     "You have ordered Strawberry Bath Sponge for Party Bunting."),
    (ev("WHITE HANGING HEART T-LIGHT HOLDER", match=("ROTATING SILVER ANGELS T-LIGHT HLDR", "Light")),
     "White Hanging Heart T-light Holder has been bought Rotating Silver Angels T-light Hldr."),
    (ev("bottled water", partner="pastry", customers_with=692, share=0.25),
     "People who buy pastry also buy it (bottled water) (25% of them)."),
    # The same Quick model writing again for the same suggestions, after the checker learnt the four above.
    (ev("HAND WARMER BABUSHKA DESIGN", last="2011-09-23", since=77, match=("HAND WARMER RED RETROSPOT", "Hand")),
     "You bought Hand Warmer Red Retrospot, so Hand Warmer Babushka Design is about Hand."),
    (ev("MINI CAKE STAND  HANGING STRAWBERY", last="2011-03-14", since=270,
        match=("MINI CAKE STAND WITH HANGING CAKES", "Stand")),
     "Mini Cake Stand With Hanging Cakes: Mini Cake Stand Hanging Strawbery again."),
    (ev("PARTY BUNTING", partner="PINK DRAWER KNOB ACRYLIC EDWARDIAN", customers_with=7, share=0.29),
     "You buy Pink Drawer Knob Acrylic Edwardian too Party Bunting?"),
    (ev("WHITE HANGING HEART T-LIGHT HOLDER", match=("ROTATING SILVER ANGELS T-LIGHT HLDR", "Light")),
     "White Hanging Heart T-light Holder is about Rotating Silver Angels T-light Hldr."),
    # The Quick preset at 80 steps on Online Retail.
    (HOLDER, "White Hanging Heart T-light Holder has been bought by 56 customers, the highest in the market."),
    # The Online Retail Quick audit of session 10: a product where a cycle belongs, a reorder reminder for
    # products never bought.
    (ev("HAND WARMER BABUSHKA DESIGN", last="2011-09-23", since=77, match=("HAND WARMER RED RETROSPOT", "Hand")),
     "Hand Warmer Babushka Design again? You buy it about Hand Warmer Red Retrospot: you like it."),
    (ev("SPOTTY BUNTING", buyers=45, rank=3), "45 customers have bought Spotty Bunting so far, so we saved you a reminder."),
    (ev("JUMBO BAG RED RETROSPOT", buyers=56, rank=2),
     "56 customers have bought Jumbo Bag Red Retrospot so far, so we saved you a reminder."),
    (ev("WHITE HANGING HEART T-LIGHT HOLDER", buyers=56, rank=1),
     "56 customers have bought White Hanging Heart T-light Holder so far, so far."),
    # The Online Retail Quick audit of session 11: a list headed by their past orders that ends with the pick.
    (ev("JUMBO BAG RED RETROSPOT", match=("PAPER CHAIN KIT RETROSPOT", "Retrospot"), buyers=56, rank=2),
     "From your past orders: Paper Chain Kit Retrospot, Jumbo Bag Red Retrospot."),
    # The Groceries Quick audit of session 13: all of the partner's buyers, where 43% of them took it.
    (ev("other vegetables", partner="yogurt", customers_with=1103, share=0.43),
     "From your past orders: 1,103 customers who bought yogurt also bought other vegetables."),
    # Session 13: the Online Retail Quick adapter sampled hot (temperature 1.3, to find what the checker lets
    # through), and the last one at the shipped temperature (4 in 1,000): a number one that is number 3, an offer,
    # a purchase before the only one, a habit of one purchase, "you bought" the pick right after another name,
    # a reservation, a delivery, the shop as a buyer, a popularity of what they bought.
    (ev("LUNCH BAG RED RETROSPOT", buyers=44, rank=3), "44 customers have bought Lunch Bag Red Retrospot, the top seller."),
    (ev("LUNCH BAG RED RETROSPOT", buyers=44, rank=3), "44 customers have bought Lunch Bag Red Retrospot so far, saving you a small extra."),
    (ev("CURIOUS IMAGES GIFT WRAP SET", last="2011-11-06", since=33),
     "Your last Curious Images Gift Wrap Set was on 6 November 2011; the one before it was 33 days ago."),
    (ev("DOORMAT WELCOME PUPPIES", last="2011-10-28", since=42),
     "You bought Doormat Welcome Puppies before the last time; the last was 42 days ago."),
    (ev("WHITE WIRE EGG HOLDER", last="2011-09-20", since=80), "You reorder White Wire Egg Holder before; the last time was 80 days ago."),
    (ev("REX CASH+CARRY JUMBO SHOPPER", last="2011-02-06", since=306),
     "Since you last bought Rex Cash+carry Jumbo Shopper, you typically picked it up 306 days ago."),
    (ev("PAPER CHAIN KIT 50'S CHRISTMAS", match=("CHRISTMAS LIGHTS 10 REINDEER", "Christmas"), buyers=38, rank=12),
     "From your past orders: Christmas Lights 10 Reindeer; You bought Paper Chain Kit 50's Christmas."),
    (ev("CHOCOLATE HOT WATER BOTTLE", match=("FOLDING BUTTERFLY MIRROR HOT PINK", "Hot"), buyers=29, rank=30),
     "Folding Butterfly Mirror Hot Pink: We saved you a Chocolate Hot Water Bottle."),
    (ev("ASSORTED TUTTI FRUTTI FOB NOTEBOOK", match=("FAIRY CAKE FLANNEL ASSORTED COLOUR", "Assorted"), last="2011-11-13", since=26),
     "You have ordered Fairy Cake Flannel Assorted Colour, and Assorted Tutti Frutti Fob Notebook is on its way."),
    (ev("SPACEBOY LUNCH BOX", match=("SPACEBOY BIRTHDAY CARD", "Spaceboy"), buyers=32, rank=15),
     "The store has bought Spaceboy Birthday Card, so Spaceboy Lunch Box may catch your eye."),
    (ev("LUNCH BAG SPACEBOY DESIGN", match=("SPACEBOY BEAKER", "Spaceboy"), buyers=44, rank=4),
     "A shop favourite: Spaceboy Beaker; they bought Lunch Bag Spaceboy Design."),
    (ev("JUMBO BAG DOILEY PATTERNS", match=("JUMBO BAG BAROQUE BLACK WHITE", "Jumbo"), buyers=38, rank=12),
     "Jumbo Bag Baroque Black White: Jumbo Bag Doiley Patterns, in your past orders."),
    # Session 13, the Groceries Quick adapter sampled hot: "most" for 43%, a chat reply, a price.
    (ev("other vegetables", partner="shopping bags", customers_with=656, share=0.43),
     "Most customers who buy shopping bags also tend to choose other vegetables."),
    (ev("rolls/buns", partner="root vegetables", customers_with=899, share=0.30),
     'From your last message: "Many customers who bought root vegetables also picked up rolls/buns.'),
    (ev("soda", partner="shopping bags", customers_with=656, share=0.38),
     "Some users have found shopping bags too cheap to keep soda."),
    # Session 13, a fresh Groceries Quick audit: "overdue" for a product bought twice, 92 days apart, 468 days ago.
    (MILK_LAPSED, "From your past orders: whole milk, 315 days overdue."),
    (MILK_LAPSED, "You reorder whole milk roughly every 92 days, so we saved you a reminder."),
    # Session 13, Online Retail Quick at the shipped temperature: all of the partner's buyers, where 2 of 4 did.
    (ev("LUNCH BAG PINK POLKADOT", partner="HEART WREATH DECORATION WITH BELL", customers_with=4, share=0.5),
     "Since customers who bought Heart Wreath Decoration With Bell also bought Lunch Bag Pink Polkadot."),
    (ev("whole milk", partner="canned beer", customers_with=644, share=0.45),
     "Customers who bought canned beer also picked up whole milk."),
    # Session 13, Online Retail Quick at the shipped temperature: "they" with no one else it could be.
    (ev("ALARM CLOCK BAKELIKE GREEN", match=("PINK DINER WALL CLOCK", "Clock"), buyers=29, rank=30),
     "From your past orders: Pink Diner Wall Clock; they bought Alarm Clock Bakelike Green."),
    # The partner's date as the customer's purchase of the pick, the pick's date as the partner's, a wrong day,
    # another customer's purchase (session 14).
    (BUNS_DATED, "You bought whole milk on 3 March 2015."),
    (BUNS_DATED, "Whole milk: a popular pairing with the rolls/buns you bought on 4 March 2015."),
    (BUNS_DATED, "Many customers bought rolls/buns on 3 March 2015 and also chose whole milk."),
    (CHEESE_DATED, "Yogurt: a popular pairing with the sliced cheese you bought on 8 October 2014."),
    (CHEESE_DATED, "Your last yogurt was on 2 June 2014."),
    # A short strong-pair phrasing written for a weak pair (9%: an Online Retail Standard adapter trained on it, session 14).
    (ev("JUMBO BAG DOILEY PATTERNS", partner="CHARLOTTE BAG SUKI DESIGN", customers_with=45, share=0.09,
        partner_last="2011-09-18"),
     "To go with the Charlotte Bag Suki Design you bought on 18 September 2011: Jumbo Bag Doiley Patterns."),
    # A weak pair said without its share: "some" is true of any pair, a bare or a bigger group is not (session 16).
    (PARTY_PAIR, "Customers who bought Party Bunting also picked up Regency Cakestand 3 Tier."),
    (PARTY_PAIR, "Some customers who bought Party Bunting often pick up Regency Cakestand 3 Tier."),
    (PARTY_PAIR, "Some of the 71 customers who bought Party Bunting often pick up Regency Cakestand 3 Tier."),
    (PARTY_PAIR, "71 customers who bought Party Bunting also bought Regency Cakestand 3 Tier."),
    (PARTY_PAIR, "Some customers who bought Regency Cakestand 3 Tier also picked up Party Bunting."),
    (PARTY_PAIR, "Some customers also picked up Regency Cakestand 3 Tier."),
    (PARTY_PAIR, "Try some Regency Cakestand 3 Tier: customers who bought Party Bunting also got it."),
    (PARTY_PAIR, "Plenty of customers who bought Party Bunting also picked up Regency Cakestand 3 Tier."),
    (PARTY_PAIR, "You bought Party Bunting on 26 October 2011; its buyers also got Regency Cakestand 3 Tier."),
    # One other customer, with no figures (Online Retail Quick, session 16).
    (ev("LUNCH BAG SPACEBOY DESIGN", match=("MEMO BOARD RETROSPOT DESIGN", "Design"), buyers=44, rank=20),
     "Memo Board Retrospot Design: A typical customer will buy Lunch Bag Spaceboy Design."),
    (PARTY, "A customer like you would love Party Bunting."),
    # A popular pairing of two names that share a word; garbled: present perfect with "ago", a share with no verb
    # (Online Retail Quick, session 17).
    (ev("LUNCH BAG RED RETROSPOT", match=("MEMO BOARD RETROSPOT DESIGN", "Retrospot"), buyers=44, rank=20),
     "Lunch Bag Red Retrospot: a popular pairing with Memo Board Retrospot Design."),
    (ev("TEA TIME TEAPOT IN GIFT BOX", last="2011-10-21", since=49, buyers=2, rank=900),
     "Tea Time Teapot In Gift Box again? You have ordered it 49 days ago."),
    (ev("ROUND CAKE TIN VINTAGE RED", partner="PACK OF 72 SKULL CAKE CASES", customers_with=19, share=0.11,
        partner_last="2011-06-05"),
     "Out of 19 customers who bought Pack Of 72 Skull Cake Cases, as you did on 5 June 2011, 11%, Round Cake Tin "
     "Vintage Red."),
    (ev("SPOTTY BUNTING", buyers=45, rank=30), "45 customers have bought Spotty Bunting so far, and it is yours."),
    # Garbled: its buyers named twice, "Out of ..." and "... of its buyers" run together (Groceries Quick, session 18).
    (ev("whole milk", partner="rolls/buns", customers_with=1363, share=0.51, partner_last="2014-09-18"),
     "Out of 1,363 customers who bought rolls/buns, 51% of its buyers also got whole milk."),
    # Garbled: their purchase as the cause of others' ("so 12% of its buyers"), a perfect tense with a date
    # (Online Retail Quick audit, session 19).
    (ev("JUMBO BAG RED RETROSPOT", partner="LUNCH BAG BLACK SKULL", customers_with=40, share=0.12,
        partner_last="2011-08-07"),
     "You bought Lunch Bag Black Skull, so 12% of its buyers also got Jumbo Bag Red Retrospot."),
    (ev("DRAWER KNOB CERAMIC IVORY", last="2011-09-08", since=92),
     "You have ordered Drawer Knob Ceramic Ivory on 8 September 2011, in case you would like one more."),
    # A shared word's date said of the pick, a wrong day; all its buyers as those since their last order, those since
    # as all its buyers, the day of their last order as a purchase of the pick (session 19).
    (HOLDER_DATED, "You bought White Hanging Heart T-Light Holder on 14 June 2011."),
    (HOLDER_DATED, "You bought White Wire Egg Holder on 15 June 2011, so White Hanging Heart T-Light Holder may catch "
                   "your eye."),
    (HOLDER_DATED, "White Hanging Heart T-Light Holder, which you bought on 14 June 2011, goes with your White Wire Egg "
                   "Holder."),
    (HOLDER_DATED, "56 customers have bought White Hanging Heart T-Light Holder since your last order on 20 September "
                   "2011."),
    (JUMBO_SINCE, "300 customers have bought Jumbo Bag Red Retrospot since your last order on 3 May 2011."),
    (JUMBO_SINCE, "48 customers have bought Jumbo Bag Red Retrospot so far."),
    (JUMBO_SINCE, "You bought Jumbo Bag Red Retrospot on 3 May 2011."),
    (JUMBO_SINCE, "Your last order on 3 May 2011 had Jumbo Bag Red Retrospot in it."),
    (JUMBO_SINCE, "Since your last order on 4 May 2011, 48 customers have picked up Jumbo Bag Red Retrospot."),
    (JUMBO_SINCE, "Since your last order on 3 May 2011, you have bought Jumbo Bag Red Retrospot."),
    (JUMBO_SINCE, "48 customers have bought Jumbo Bag Red Retrospot since your last order, as you did on 3 May 2011."),
    (REGENCY_ONE_DAY, "Since your last order on 2 November 2011, 30 customers have picked up Regency Cakestand 3 Tier."
                      " You bought it."),
    # Numbers not in the evidence at all.
    (MILK, "45% of customers who bought sugar also bought whole milk."),
    (STRINGS, "These strings cost only 9.99 this week: Elixir Nanoweb Strings 10-46."),
    (PEDAL, "Ranked 7 in our shop: Boss DS-1 Distortion."),
    (PEDAL, "They sound great on your Gibson Les Paul Standard: Boss DS-1 Distortion."),
]

TRUE = [
    (ev("whole milk", partner="sausage", customers_with=803, share=0.52), "Most customers who buy sausage also choose whole milk."),
    (ev("PARTY BUNTING", buyers=71, rank=1), "71 customers have bought Party Bunting, the top seller."),
    (MILK, "56% of customers who bought sugar also picked up whole milk."),
    (MILK, "Goes well with your sugar: 56% of the 250 customers who bought it also got whole milk."),
    (MILK, "People who buy sugar often add whole milk too (56% of them)."),
    (MILK, "Since you have sugar, whole milk is a popular pairing."),
    (MILK, "Out of 250 customers who bought sugar, 56% also bought whole milk."),
    (MILK, "Whole milk is one of our most popular items, bought by 1,500 customers."),
    (MILK, "Many sugar buyers also choose whole milk."),
    (ROLLS, "People who buy pot plants often add rolls/buns too (46% of them)."),
    (ROLLS, "Rolls/buns pairs nicely with the pot plants you bought."),
    (ROLLS, "46% of pot plants buyers also take home rolls/buns."),
    (ROLLS, "People who like pot plants often buy rolls/buns."),
    (CANDY, "Customers who picked up candy often take whole milk."),
    (YOGURT, "Yogurt pairs nicely with sliced cheese."),
    (CANDY, "You buy candy too, and 54% of candy buyers also take whole milk."),
    (TOADSTOOL, "18% of the 11 customers who bought Jingle Bell Heart Decoration also bought Toadstool Money Box."),
    (TOADSTOOL, "Toadstool Money Box: 18% of Jingle Bell Heart Decoration buyers added it too."),
    (WEAK, "Out of 31 customers who bought Set Of 4 Pantry Jelly Moulds, 6% also bought Feltcraft Princess "
           "Charlotte Doll."),
    (PARTY_PAIR, "Some customers who bought Party Bunting also picked up Regency Cakestand 3 Tier."),
    (PARTY_PAIR, "Some of the 71 customers who bought Party Bunting also bought Regency Cakestand 3 Tier."),
    (PARTY_PAIR, "You bought Party Bunting on 26 October 2011; some of its other buyers also got Regency Cakestand "
                 "3 Tier."),
    (PARTY_PAIR, "Some shoppers who bought Party Bunting, as you did on 26 October 2011, also chose Regency "
                 "Cakestand 3 Tier."),
    (WEAK, "Some customers who bought Set Of 4 Pantry Jelly Moulds also chose Feltcraft Princess Charlotte Doll."),
    (ROLLS, "Some customers who bought pot plants also picked up rolls/buns."),
    (SODA, "Your usual soda is due in 102 days."),
    (SODA, "You reorder soda roughly every 162 days, so we saved you a reminder."),
    (SODA, "You have ordered soda 3 times so far, about every 162 days."),
    (SODA, "Your last soda was 60 days ago, and you tend to buy it every 162 days."),
    (SODA_DUE, "Running low? You usually pick up soda every 30 days."),
    (SODA_DUE, "Time to restock soda: your last one was 28 days ago."),
    (SODA_DUE, "Soda again? You buy it about every 30 days, and it is due in 2 days."),
    (SODA_LAPSED, "You have bought soda 3 times, about every 30 days; the last was 400 days ago."),
    (STRINGS, "Time for fresh Elixir Nanoweb Strings 10-46: you buy them about every 30 days."),
    (STRINGS, "You have bought Elixir Nanoweb Strings 10-46 4 times; only 12.99 each."),
    (STRINGS, "Your Elixir Nanoweb Strings 10-46 are due in 3 days: you buy them every 30 days."),
    (STRINGS, "Restock your Elixir Nanoweb Strings 10-46 soon, they wear out."),
    (STRINGS, "Your last Elixir Nanoweb Strings 10-46 were on 1 March 2024; a new set is due in 3 days."),
    (COWBOY, "Another Card Birthday Cowboy? You last picked one up 317 days ago."),
    (COWBOY, "You bought Card Birthday Cowboy before, last on 26 January 2011."),
    (COWBOY, "Liked your Card Birthday Cowboy? You bought it 317 days ago."),
    (COWBOY, "Card Birthday Cowboy again? Your last one was on 26 January 2011."),
    (PARTY_CATEGORY, "Since you picked Paper Bunting Vintage Paisley, have a look at Party Bunting, also in our Bunting "
                     "range."),
    (PARTY_CATEGORY, "Party Bunting and the Paper Bunting Vintage Paisley you bought are both in our Bunting range."),
    (PARTY, "You bought Paper Bunting Vintage Paisley, so you may like Party Bunting, another Bunting item."),
    (HOLDER, "Another Holder item for you, like your White Wire Egg Holder: White Hanging Heart T-light Holder."),
    (AMELIE, "You picked up Feltcraft Girl Amelie Kit on 17 November 2011, in case you would like one more."),
    (PARTY, "71 customers have already picked up Party Bunting."),
    (PARTY, "Party Bunting is our best seller, bought by 71 customers."),
    (PEDAL, "Because you bought Fender Stratocaster, we think you will like Boss DS-1 Distortion."),
    (PEDAL, "Boss DS-1 Distortion fits well with the Fender Stratocaster from your past orders."),
    (PARTY, "From your past orders: Paper Bunting Vintage Paisley; you may like Party Bunting too."),
    (PEDAL, "35% of your items are Effects, so Boss DS-1 Distortion should suit you."),
    (PEDAL, "Since you love Effects, have a look at Boss DS-1 Distortion. Made by Boss."),
    (PEDAL, "If the Fender Stratocaster you bought worked for you, try Boss DS-1 Distortion."),
    (BED_PAD, "Positioning Bed Pad could be a good fit for you."),
    (CAKESTAND, "Regency Cakestand 3 Tier is one of our best sellers: 180 customers have bought it."),
    (JUMBO, "Jumbo Bag Red Retrospot has been bought by 300 customers."),
    (ev("FELT EGG COSY CHICKEN", kind="reorder", partner="VINTAGE RED ENAMEL TRIM MUG", customers_with=6,
        share=0.33), "Out of 6 customers who bought Vintage Red Enamel Trim Mug, 33% also bought Felt Egg Cosy Chicken."),
    (ev("RIBBON REEL FLORA + FAUNA", last="2010-12-16", since=358), "Your last Ribbon Reel Flora + Fauna was 358 days ago."),
    (ev("HOT BATHS METAL SIGN", last="2011-09-09", times=2, every=141.0, since=91),
     "You have ordered Hot Baths Metal Sign twice, about every 141 days; the last one 91 days ago."),
    # Personal wording where the evidence is personal (session 9).
    (ev("LUNCH BAG ALPHABET DESIGN", partner="JUMBO BAG PEARS", customers_with=17, share=0.18),
     "Based on your past orders: 18% of the 17 customers who bought Jumbo Bag Pears also bought Lunch Bag "
     "Alphabet Design."),
    (ev("LETS GO SHOPPING COTTON TOTE BAG", last="2011-11-21", since=18),
     "You bought Lets Go Shopping Cotton Tote Bag 18 days ago; one more?"),
    # When they bought the partner (session 14).
    (BUNS_DATED, "Whole milk: a popular pairing with the rolls/buns you bought on 3 March 2015."),
    (BUNS_DATED, "Customers who buy rolls/buns, as you did on 3 March 2015, often take whole milk home too."),
    (BUNS_DATED, "You bought rolls/buns on 3 March 2015; 51% of the 1,000 customers who bought it also got whole milk."),
    (CHEESE_DATED, "36% of customers who bought sliced cheese, as you did on 2 June 2014, also picked up yogurt."),
    (CHEESE_DATED, "Your last yogurt was on 8 October 2014, and 36% of customers who bought sliced cheese also bought it."),
    (ROOTS_ONE_TRIP, "Root vegetables: a popular pairing with the frozen potato products you bought on 25 August 2015."),
    (ROOTS_ONE_TRIP, "You bought frozen potato products on 25 August 2015; 40% of its buyers also got root vegetables."),
    # The day they bought the product that shares a word; how many bought a best seller since their last order
    # (session 19).
    (HOLDER_DATED, "You bought White Wire Egg Holder on 14 June 2011, so White Hanging Heart T-Light Holder may catch "
                   "your eye."),
    (HOLDER_DATED, "Since you picked up White Wire Egg Holder on 14 June 2011, you might like White Hanging Heart "
                   "T-Light Holder."),
    (HOLDER_DATED, "Picked for you after the White Wire Egg Holder you bought on 2011-06-14: White Hanging Heart "
                   "T-Light Holder."),
    (REGENCY_ONE_DAY, "You bought Sweetheart Cakestand 3 Tier on 2 November 2011, so Regency Cakestand 3 Tier may "
                      "catch your eye."),
    (JUMBO_SINCE, "48 customers have bought Jumbo Bag Red Retrospot since your last order on 3 May 2011."),
    (JUMBO_SINCE, "Since your last order on 3 May 2011, 48 customers have picked up Jumbo Bag Red Retrospot."),
    (JUMBO_SINCE, "Since your last order on 2011-05-03, Jumbo Bag Red Retrospot has been bought by 48 customers."),
    (JUMBO_SINCE, "Our best seller: 48 customers have bought Jumbo Bag Red Retrospot since your last order on "
                  "3 May 2011."),
    (REGENCY_ONE_DAY, "Since your last order on 2 November 2011, 30 customers have picked up Regency Cakestand 3 Tier."),
]
