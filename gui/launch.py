"""Starting Shopwise, for `python main.py`, the installed `shopwise` command and the bundled app.

No argument opens the app; a file (a shop, or a CSV to import) opens the app on it, as a file manager's
double-click does; a command or an option (`import …`, `--self-test`) runs headless through engine.cli.
Qt is imported only when the window opens, so the headless commands also run without a display.
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    from engine.cli import command_names
    if argv and (argv[0].startswith("-") or argv[0] in command_names()):
        from engine.cli import main as cli_main
        return cli_main(argv)
    if len(argv) > 1:
        print("Shopwise opens one file at a time; run `shopwise --help` for the commands.", file=sys.stderr)
        return 2
    from gui.app import run_app
    return run_app(open_path=argv[0] if argv else None)
