"""Reading shop exports into the shop: orders, reviews and product catalogues (see orders.py)."""
