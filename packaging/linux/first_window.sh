#!/usr/bin/env bash
# Start an installed or built Shopwise under Xvfb, time launch -> first window, take a screenshot.
#   xvfb-run -a -s "-screen 0 1280x800x24" packaging/linux/first_window.sh /usr/bin/shopwise docs/screenshots/installed_app.png
# Needs xwininfo (x11-utils) and import (imagemagick).
set -euo pipefail
app=${1:-/usr/bin/shopwise}
shot=${2:-installed_app.png}
start=$(date +%s.%N)
"$app" >/tmp/shopwise-first-window.log 2>&1 &
pid=$!
until xwininfo -root -tree 2>/dev/null | grep -q '"Shopwise'; do
    kill -0 "$pid" 2>/dev/null || { echo "the app exited before showing a window"; cat /tmp/shopwise-first-window.log; exit 1; }
    sleep 0.1
done
echo "first window after $(echo "$(date +%s.%N) - $start" | bc) s"
sleep 3   # let it paint
import -window root "$shot"
kill "$pid"
wait "$pid" 2>/dev/null || true
