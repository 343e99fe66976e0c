"""The wheel a user installs: built from the source, installed (not editable) into a fresh virtual
environment outside the checkout, and `shopwise --self-test` run from there.

The environment borrows the already installed libraries (torch, transformers, Qt…) through a folder of
links to them, so nothing is downloaded; Shopwise's own code (an editable install of the checkout, if the
test runs in one) is left out of that folder, so everything Shopwise runs comes from the wheel.
About a minute and a half, most of it the self-test."""

import os
import shutil
import site
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT

OWN_NAMES = {"engine", "gui", "resources", "main.py", "__pycache__"}
OWN_PREFIXES = ("shopwise-", "__editable__", "_shopwise")   # its metadata, an editable install's hooks
NOT_COPIED = (".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", ".pytest_cache", ".hypothesis",
              "var", ".whl", ".gl", "tests", "benchmarks", "docs")


def run(*cmd, **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, timeout=600, **kwargs)
    assert result.returncode == 0, f"{cmd}\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    source = tmp_path_factory.mktemp("source") / "shopwise"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(*NOT_COPIED))
    out = tmp_path_factory.mktemp("wheel")
    run(sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "--no-index",
        "-w", out, source)
    [built] = out.glob("shopwise-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Path:
    """A virtual environment with the wheel installed; returns its scripts folder."""
    home = tmp_path_factory.mktemp("install")
    venv = home / "venv"
    run(sys.executable, "-m", "venv", "--without-pip", venv)
    python = next(p for p in (venv / "bin" / "python", venv / "Scripts" / "python.exe") if p.exists())
    libraries = home / "libraries"
    libraries.mkdir()
    for folder in site.getsitepackages():
        for entry in Path(folder).iterdir():
            own = entry.name in OWN_NAMES or entry.name.startswith(OWN_PREFIXES)
            if not own and entry.suffix != ".pth" and not (libraries / entry.name).exists():
                (libraries / entry.name).symlink_to(entry, target_is_directory=entry.is_dir())
    purelib = run(python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))").stdout.strip()
    Path(purelib, "installed-libraries.pth").write_text(str(libraries) + "\n")
    # --no-index: every dependency the wheel declares must already be there, or pip fails.
    run(sys.executable, "-m", "pip", "--python", python, "install", "-q", "--no-index", wheel, cwd=home)
    return python.parent


def test_the_wheel_carries_every_package_and_the_resources(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for folder in ("engine/recommend", "engine/reasons", "engine/ingest", "engine/cli", "gui", "resources"):
        assert f"{folder}/__init__.py" in names, folder
    for path in ("resources/demo/online_retail_sample.csv", "resources/demo/LICENSE.txt", "resources/icon.png",
                 "resources/THIRD_PARTY_LICENSES.txt", "gui/launch.py"):
        assert path in names, path
    entry_points = zipfile.ZipFile(wheel).read("shopwise-0.1.0.dist-info/entry_points.txt").decode()
    assert "[gui_scripts]\nshopwise = gui.launch:main" in entry_points
    assert "shopwise-cli = engine.cli:main" in entry_points


def test_the_installed_shopwise_runs_the_self_test_from_its_own_files(installed, tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "SHOPWISE_DATA_DIR")}
    env.update(HOME=str(tmp_path), HF_HUB_OFFLINE="1", SHOPWISE_SELFTEST_TRACEBACK="1")
    where = run(installed / "python", "-c", "import engine, gui, resources; print(engine.__file__, "
                "gui.__file__, resources.__file__)", cwd=tmp_path, env=env).stdout.split()
    assert all(Path(p).is_relative_to(installed.parent) for p in where), where
    help_text = run(installed / "shopwise-cli", "--help", cwd=tmp_path, env=env).stdout
    assert "import" in help_text and "--self-test" in help_text
    result = run(installed / "shopwise", "--self-test", cwd=tmp_path, env=env)
    assert "Self-test passed" in result.stdout
    for step in ("demo shop", "import", "recommend", "train (LoRA)", "reasons", "export CSV", "without network"):
        assert f"ok  {step}" in result.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == [], "the self-test wrote outside its temporary folder"
