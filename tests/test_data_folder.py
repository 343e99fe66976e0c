"""One data folder for the app and the command line, local (not roaming); the converted base model that
an older app kept in its own folder is moved there once, so it is never converted twice."""

import sys

import pytest

from engine.reasons import paths


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.delenv("SHOPWISE_DATA_DIR", raising=False)
    monkeypatch.setattr(paths.Path, "home", lambda: tmp_path)
    for var in ("XDG_DATA_HOME", "APPDATA", "LOCALAPPDATA"):
        monkeypatch.delenv(var, raising=False)
    return tmp_path


def old_model(home, name="SmolLM2-135M-Instruct", text="weights") -> None:
    folder = paths.old_app_dir() / "engine" / "models" / name
    folder.mkdir(parents=True)
    (folder / "model.safetensors").write_text(text)


@pytest.mark.skipif(sys.platform != "linux", reason="the Linux folders")
def test_the_folder_is_the_local_data_folder_and_the_override_still_wins(home, monkeypatch):
    assert paths.data_dir() == home / ".local" / "share" / "Shopwise"
    monkeypatch.setenv("SHOPWISE_DATA_DIR", str(home / "elsewhere"))
    assert paths.data_dir() == home / "elsewhere" and (home / "elsewhere").is_dir()


def test_windows_keeps_it_in_the_local_profile_not_the_roaming_one(home, monkeypatch):
    monkeypatch.setattr(paths.sys, "platform", "win32")
    monkeypatch.setenv("LOCALAPPDATA", str(home / "Local"))
    monkeypatch.setenv("APPDATA", str(home / "Roaming"))
    assert paths.user_data_dir() == home / "Local" / "Shopwise"
    assert paths.old_app_dir() == home / "Roaming" / "Shopwise" / "Shopwise"


def test_the_old_apps_model_cache_moves_once_and_adapters_stay(home):
    old_model(home)
    old_model(home, "SmolLM2-135M-Instruct-tokenizer", "tokens")
    adapter = paths.old_app_dir() / "engine" / "adapters" / "adapter-1"
    adapter.mkdir(parents=True)
    folder = paths.data_dir()
    assert (folder / "models" / "SmolLM2-135M-Instruct" / "model.safetensors").read_text() == "weights"
    assert (folder / "models" / "SmolLM2-135M-Instruct-tokenizer" / "model.safetensors").read_text() == "tokens"
    assert not (paths.old_app_dir() / "engine" / "models" / "SmolLM2-135M-Instruct").exists()
    assert adapter.is_dir() and not (folder / "adapters").exists()   # shops name it by its full path
    assert paths.move_from_the_old_app_folder(folder) == []          # once


def test_a_model_already_in_the_shared_folder_is_kept(home):
    target = paths.user_data_dir() / "models" / "SmolLM2-135M-Instruct"
    target.mkdir(parents=True)
    (target / "model.safetensors").write_text("newer")
    old_model(home)
    paths.data_dir()
    assert (target / "model.safetensors").read_text() == "newer"
    assert (paths.old_app_dir() / "engine" / "models" / "SmolLM2-135M-Instruct").is_dir()


def test_the_window_uses_the_same_folder(home, qtbot):
    from PySide6.QtCore import QSettings

    from gui.app import MainWindow
    w = MainWindow(settings=QSettings(str(home / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(w)
    assert w.data_dir == paths.data_dir() and w.demo_path().parent.parent == paths.data_dir()
