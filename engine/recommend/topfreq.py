"""Personal top frequency (P-TopFreq): what this customer buys most, recent first.

Each past basket counts 0.5 ** (age / half_life) (no decay when half_life is
None); items never bought fall back to popularity.
"""

import numpy as np

from .base import Model, value


class PersonalTopFreq(Model):
    name = "p-topfreq"

    def __init__(self, half_life: float | None = None):
        super().__init__(half_life=half_life)

    def _fit(self, data):
        age = data.last_day() - data.b_day
        w = np.ones(len(age)) if self.params["half_life"] is None else 0.5 ** (age / self.params["half_life"])
        w = w + 1e-3 * (1 - age / max(age.max(), 1))   # ties: the more recent wins
        self.weights = (data.user_basket_matrix(w) @ data.baskets).tocsr()

    def score(self, users):
        return self.weights[users].toarray().astype(np.float32) + self.pop_tiebreak()

    def explain(self, user, item, k=3, score=None):
        return [(item, 1.0)] if value(self.history, user, item) > 0 else []
