"""Reading shop exports into the shop: orders, reviews and product catalogues.

The front door, for the command line, the window and the self-test:

    inspect_file(path) -> FilePreview        what the file is (orders or catalogue, its layout) and its first rows
    import_file(db, path, kind=None, profile=None, mapping=None, progress=..., cancel=...) -> ImportReport

Inside: csvfile.py (encoding, delimiter, dates, numbers), layouts.py (order layouts), orders.py
(order and review import, and the front door itself), catalogue.py (product exports), report.py
(what an import did, and its row in the `imports` table).
"""

from engine.ingest.orders import FilePreview, import_file, inspect_file

__all__ = ["FilePreview", "import_file", "inspect_file"]
