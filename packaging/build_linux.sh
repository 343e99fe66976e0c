#!/usr/bin/env bash
# Linux build: one-folder app (PyInstaller), .desktop entry and icon, a .deb and a tarball.
#   packaging/build_linux.sh            (or: make package)
# Outputs in dist/: shopwise/ (the app), shopwise_<version>_<arch>.deb, shopwise-<version>-linux-<arch>.tar.gz
# PYTHON picks the interpreter (default .venv/bin/python) whose packages get bundled; it needs pyinstaller.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-.venv/bin/python}
eval "$("$PYTHON" packaging/bundle.py linux)"     # APP_ID, APP_NAME, APP_VERSION, APP_COMMENT, PUBLISHER
ARCH=$(dpkg --print-architecture 2>/dev/null || uname -m)

start=$(date +%s)
"$PYTHON" -m PyInstaller --noconfirm --log-level WARN --workpath build/pyinstaller --distpath dist \
    packaging/shopwise.spec
echo "PyInstaller: $(( $(date +%s) - start )) s; app folder $(du -sh "dist/$APP_ID" | cut -f1)"

# Desktop entry and icon, inside the folder too, so the tarball carries them.
cp packaging/linux/shopwise.desktop "dist/$APP_ID/$APP_ID.desktop"
cp resources/icon.png "dist/$APP_ID/$APP_ID.png"

# Tarball: unpack anywhere, run ./shopwise/shopwise
tarball="dist/$APP_ID-$APP_VERSION-linux-$ARCH.tar.gz"
tar -C dist -czf "$tarball" "$APP_ID"

# .deb: /opt/shopwise, /usr/bin/shopwise launcher, the .desktop entry, the icon and the shop file type
# (dpkg triggers of shared-mime-info and desktop-file-utils update their caches on install).
stage="build/deb/${APP_ID}_${APP_VERSION}_$ARCH"
rm -rf "$stage"
mkdir -p "$stage/DEBIAN" "$stage/opt" "$stage/usr/bin" "$stage/usr/share/applications" \
         "$stage/usr/share/icons/hicolor/256x256/apps" "$stage/usr/share/icons/hicolor/256x256/mimetypes" \
         "$stage/usr/share/mime/packages"
cp -a "dist/$APP_ID" "$stage/opt/$APP_ID"
install -m 755 packaging/linux/shopwise-launcher.sh "$stage/usr/bin/$APP_ID"
install -m 644 packaging/linux/shopwise.desktop "$stage/usr/share/applications/$APP_ID.desktop"
install -m 644 resources/icon.png "$stage/usr/share/icons/hicolor/256x256/apps/$APP_ID.png"
install -m 644 resources/icon.png "$stage/usr/share/icons/hicolor/256x256/mimetypes/${SHOP_MIME//\//-}.png"
install -m 644 packaging/linux/shopwise-mime.xml "$stage/usr/share/mime/packages/$APP_ID.xml"
size_kb=$(du -sk "$stage" | cut -f1)
sed -e "s/@APP_ID@/$APP_ID/; s/@APP_VERSION@/$APP_VERSION/; s/@ARCH@/$ARCH/; s/@PUBLISHER@/$PUBLISHER/" \
    -e "s/@INSTALLED_SIZE@/$size_kb/; s/@APP_COMMENT@/$APP_COMMENT/" \
    packaging/linux/control.in > "$stage/DEBIAN/control"
deb="dist/${APP_ID}_${APP_VERSION}_$ARCH.deb"
dpkg-deb --root-owner-group -Zgzip -z6 --build "$stage" "$deb" >/dev/null

echo "Built in $(( $(date +%s) - start )) s:"
du -sh "dist/$APP_ID" "$tarball" "$deb"
