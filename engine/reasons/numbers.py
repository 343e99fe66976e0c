"""How numbers are written in reasons, so that checker and silver reasons agree."""

from __future__ import annotations

import re

NUMBER = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)*(?![\w])")


def canon(x: float) -> str:
    """One spelling per value: 12.50 -> '12.5', 3.0 -> '3'."""
    return f"{round(float(x), 2):.2f}".rstrip("0").rstrip(".")


def pct(share: float) -> str:
    return f"{round(share * 100)}%"


def days(x: float) -> str:
    return str(round(abs(x)))


def price(x: float) -> str:
    return f"{x:.2f}"


def in_text(text: str) -> list[str]:
    """Numbers written in a text, canonical ('1,200' -> '1200', '12.50' -> '12.5')."""
    out = []
    for m in NUMBER.findall(text):
        raw = m.replace(",", "") if re.fullmatch(r"\d{1,3}(,\d{3})+", m) else m.replace(",", ".")
        try:
            out.append(canon(float(raw)))
        except ValueError:
            out.append(raw)
    return out


def variants(x: float) -> set[str]:
    """Every faithful way to write the value x: rounded, and as a percentage for shares."""
    x = float(x)
    vals = {x, abs(x), round(x), round(abs(x)), round(x, 1), round(abs(x), 1)}
    if 0 <= x <= 1:
        vals |= {x * 100, round(x * 100), round(x * 100, 1)}
    return {canon(v) for v in vals}
