"""Shopwise: `python main.py` opens the app; `python main.py COMMAND` runs the engine headless."""

import sys


def main(argv: list[str]) -> int:
    if argv:
        from engine.cli import main as cli_main
        return cli_main(argv)
    from gui.app import run_app
    return run_app()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
