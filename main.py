"""Shopwise: `python main.py` opens the app, `python main.py FILE` opens it on a shop file or a CSV to
import, `python main.py COMMAND` runs the engine headless (the same as the installed `shopwise`)."""

import sys

from gui.launch import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
