"""The command line: one error style and one exit code per outcome (0 ok, 1 refused, 2 usage, 130 cancelled)."""

import pytest

from engine import cli
from engine.jobs import Cancelled


def test_exit_codes_say_how_it_ended(tmp_path, capsys, monkeypatch):
    shop = str(tmp_path / "shop.db")
    notes = tmp_path / "notes.csv"
    notes.write_text("just,some\nwords,here\n", encoding="utf-8")
    assert cli.main(["stats", "--db", shop]) == 1                      # no shop there: refused
    assert capsys.readouterr().err.startswith("Error: ")
    assert cli.main(["import", "--db", shop, str(notes)]) == 1         # a file it cannot read as orders
    assert capsys.readouterr().err.startswith("Error: ")
    assert cli.main(["recommend", "--db", shop]) == 1                  # no orders to learn from
    assert "import orders" in capsys.readouterr().err
    assert cli.main(["stats", "--db", shop]) == 0
    assert cli.main([]) == 2
    with pytest.raises(SystemExit) as usage:
        cli.main(["stats", "--no-such-option"])
    assert usage.value.code == 2

    def cancelled(args):
        raise Cancelled()

    monkeypatch.setattr(cli, "cmd_stats", cancelled)
    assert cli.main(["stats", "--db", shop]) == 130
    assert "Cancelled" in capsys.readouterr().err


def test_import_reads_and_hashes_each_file_once(tmp_path, monkeypatch):
    import engine.ingest.catalogue as catalogue
    import engine.ingest.csvfile as csvfile
    import engine.ingest.orders as importer
    from tests.conftest import SHARED_DATA
    read = []
    real_sniff = csvfile.sniff

    def counting_sniff(path):
        read.append(str(path))
        return real_sniff(path)

    for module in (csvfile, importer, catalogue):
        monkeypatch.setattr(module, "sniff", counting_sniff)
    products = next((SHARED_DATA / "shopify-products-bilali").glob("*.csv"))
    assert cli.main(["import", "--db", str(tmp_path / "shop.db"), str(products)]) == 0
    assert read == [str(products)]


@pytest.mark.parametrize("argv0, prog", [("/usr/bin/shopwise-cli", "shopwise-cli"), ("main.py", "python main.py"),
                                         ("/opt/Shopwise/shopwise", "shopwise")])
def test_usage_names_the_command_that_was_run(monkeypatch, capsys, argv0, prog):
    monkeypatch.setattr("sys.argv", [argv0])
    with pytest.raises(SystemExit):
        cli.main(["stats", "--no-such-option"])
    assert capsys.readouterr().err.startswith(f"usage: {prog} [-h]")
