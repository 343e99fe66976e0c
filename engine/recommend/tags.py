"""Interest tags live in engine/interests.py; engine/recommend/explain.py still imports `name_words` from here."""

from engine.interests import name_words

__all__ = ["name_words"]
