"""No network: the whole pipeline on real shop data with every network connection made to fail."""

import csv
import socket
import urllib.request
from pathlib import Path

import pytest

from engine import offline
from engine.export import export_recommendations
from engine.ingest.orders import import_orders
from engine.recommend import run_recommendations
from tests.conftest import SHARED_DATA
from tests.test_safe_files import weight_files


@pytest.fixture
def no_network():
    with offline.no_network() as attempts:
        yield attempts


def test_the_guard_refuses_connections_and_lookups(no_network):
    with pytest.raises(offline.NetworkBlocked):
        socket.create_connection(("huggingface.co", 443), timeout=1)
    with pytest.raises(OSError):
        urllib.request.urlopen("http://127.0.0.1:9", timeout=1)
    with pytest.raises(offline.NetworkBlocked):
        socket.getaddrinfo("localhost", 80)
    left, right = socket.socketpair()  # local sockets still work
    left.sendall(b"ok")
    assert right.recv(2) == b"ok"
    assert len(no_network) == 3


def test_whole_pipeline_without_network(no_network, shop, tiny_model, tmp_path, monkeypatch):
    from engine.reasons import active_adapter, generate_reasons, model, train
    monkeypatch.setenv("SHOPWISE_DATA_DIR", str(tmp_path / "data"))
    orders = tmp_path / "orders.csv"
    lines = (SHARED_DATA / "online-retail-uci-sample" / "online_retail_sample.csv").read_bytes().splitlines(True)
    orders.write_bytes(b"".join(lines[:1500]))
    assert import_orders(shop, orders).counts["lines"] > 1000
    run_recommendations(shop, limit=2)
    shop["settings"].insert({"key": model.SETTING, "value": str(tiny_model)})
    run_id = train(shop, preset="quick", steps=2)
    assert shop.execute("SELECT status FROM training_runs WHERE id = ?", [run_id]).fetchone()[0] == "done"
    # the adapter is saved as safetensors only: nothing in it is ever unpickled; beside it, the fast
    # engine's copy is CTranslate2's own binary format (read by its C++ loader), not a pickle
    adapter = Path(active_adapter(shop)["path"])
    assert weight_files(adapter) == ["adapter_model.safetensors", "model.bin"]
    assert (adapter / "ct2-int8" / "model.bin").read_bytes()[:2] not in (b"\x80\x02", b"\x80\x04", b"PK")
    ids = [r[0] for r in shop.execute("SELECT id FROM recommendations ORDER BY id LIMIT 3")]
    assert generate_reasons(shop, candidates=1, ids=ids)["reasons"] == 3
    out = tmp_path / "export.csv"
    assert export_recommendations(shop, out) > 0
    with open(out, encoding="utf-8-sig", newline="") as f:
        assert sum(1 for row in csv.reader(f) if row[-1]) >= 3  # the header and reasons
    assert no_network == []  # nothing even tried
