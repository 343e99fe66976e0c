"""Product facts live in engine/products.py; engine/recommend/explain.py still imports `labels` from here."""

from engine.products import labels

__all__ = ["labels"]
