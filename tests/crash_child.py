"""A job in a child process, for tests/test_crash.py to kill with SIGKILL at a known moment.

    python tests/crash_child.py import|recommend|train SHOP [ARG]

Before each unit of work (a progress report, a cancel check, an adapter
written or registered) the child prints one line naming it, marked REPORT,
and waits for the parent's go-ahead on stdin: the parent kills it exactly
there, mid-job. With CRASH_FREE=1 it does not wait, and the parent kills it at
a random moment instead (maybe inside SQLite's own writes). "finished" is the
last report of a job that was not killed.
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from engine.db import open_shop  # noqa: E402
from engine.jobs import CancelToken  # noqa: E402

WAIT = os.environ.get("CRASH_FREE") != "1"
REPORT = "@crash-child "   # what marks a report: the Trainer prints its logs to stdout too


def main(job: str, shop: str, arg: str | None) -> None:
    db = open_shop(shop)

    def report(label: str) -> None:
        print(REPORT + label + (" in-transaction" if db.conn.in_transaction else ""), flush=True)
        if WAIT:
            sys.stdin.readline()

    class ReportingToken(CancelToken):
        def check(self) -> None:
            report("check")
            super().check()

    def progress(p) -> None:
        report(f"progress {p.message}")

    if job == "import":
        from engine.ingest import orders as importer
        importer.CHUNK_ROWS = 2000   # several chunks, so several moments mid-import
        if os.environ.get("CRASH_BULK") == "1":
            importer.BULK_BYTES = 0  # the path that drops and rebuilds the indexes
        importer.import_orders(db, arg, progress=progress, cancel=ReportingToken())
    elif job == "recommend":
        from engine.recommend import run_recommendations
        run_recommendations(db, progress=progress, cancel=ReportingToken())
    elif job == "train":
        import peft.peft_model
        from engine.reasons import train
        save_file = peft.peft_model.safe_save_file

        def reported_save(*args, **kwargs):  # the adapter's weights are written, not yet in place
            save_file(*args, **kwargs)
            report("adapter weights written")
        peft.peft_model.safe_save_file = reported_save
        db.conn.set_trace_callback(  # the adapter is in place, its registration not yet committed
            lambda sql: report("registering adapter") if sql.startswith('INSERT INTO "adapters"') else None)
        train(db, steps=int(arg), progress=progress)
    print(REPORT + "finished", flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else None)
