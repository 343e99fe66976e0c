"""Best sellers, personalised: popularity blended with a personal model.

score = (1 - w) * popularity / max popularity + w * (the base model's score,
rescaled to 0..1 per customer). Small w keeps the best sellers on top and lets
the customer's own history reorder them.
"""

import numpy as np

from .base import Model
from .ease import EASE
from .itemknn import ItemKNN
from .tifu import TIFUKNN
from .topfreq import PersonalTopFreq

BASES = {m.name: m for m in (PersonalTopFreq, ItemKNN, EASE, TIFUKNN)}   # the personal models it can blend


class Blend(Model):
    name = "blend"

    def __init__(self, base: str = "ease", w: float = 0.3, **base_params):
        super().__init__(base=base, w=w, **base_params)
        self.base_params = base_params
        self.given = None

    def builds_on(self, model: Model) -> bool:
        """Is `model` this blend's base model, with its parameters?"""
        return model.name == self.params["base"] and model.params == self.base_params

    def reusing(self, base: Model | None) -> "Blend":
        """Blend over `base` if it is this blend's base model, already fitted (on the data `fit` gets):
        the selection fits EASE once for itself and its blends (a sparse EASE fit took 34 s on a shop of
        21,000 products)."""
        self.given = base if base is not None and self.builds_on(base) else None
        return self

    def _fit(self, data):
        self.base = self.given if self.given is not None and self.given.data is data \
            else BASES[self.params["base"]](**self.base_params).fit(data)
        self.pop = (self.popularity / max(self.popularity.max(), 1.0)).astype(np.float32)

    def _parts(self, users):
        s = self.base.score(users)
        s = s - s.min(axis=1, keepdims=True)
        s = s / np.maximum(s.max(axis=1, keepdims=True), 1e-9)
        w = self.params["w"]
        return (1 - w) * self.pop, w * s

    def score(self, users):
        pop, own = self._parts(users)
        return pop + own

    def explain(self, user, item, k=3, score=None):
        """The base model's contributors, scaled by the personal part's share of the score."""
        if score is None:
            score = float(self.score(np.array([user]))[0, item])
        own = score - (1 - self.params["w"]) * self.pop[item]
        share = min(max(own / score, 0.0), 1.0) if score > 0 else 0.0
        return [(j, w * share) for j, w in self.base.explain(user, item, k)]
