#!/bin/sh
# /usr/bin/shopwise: starts the app installed in /opt/shopwise (arguments pass through, e.g. --self-test).
exec /opt/shopwise/shopwise "$@"
