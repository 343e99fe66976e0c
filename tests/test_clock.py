"""The one clock: stored times are UTC to the second; screens show them in local time."""

from datetime import datetime, timedelta, timezone

from engine import clock


def test_now_is_utc_iso_to_the_second():
    stored = clock.now()
    when = datetime.fromisoformat(stored)
    assert when.utcoffset() == timedelta(0) and when.microsecond == 0
    assert abs(datetime.now(timezone.utc) - when) < timedelta(seconds=5)


def test_times_of_older_shops_are_read_as_what_they_were():
    local = datetime(2024, 1, 1, 10, 0, 5).astimezone()
    assert clock.parse("2024-01-01T10:00:05") == local                 # imports: local time
    assert clock.parse("2024-01-02 09:00:00") == datetime(2024, 1, 2, 9, tzinfo=timezone.utc)   # runs: UTC
    assert clock.parse("2024-01-02T09:00:00+00:00") == datetime(2024, 1, 2, 9, tzinfo=timezone.utc)
    assert clock.parse(None) is None and clock.parse("yesterday") is None


def test_screens_show_local_time_in_one_format():
    from gui.times import local_time
    utc = datetime(2024, 1, 2, 9, 0, tzinfo=timezone.utc)
    assert local_time("2024-01-02T09:00:00+00:00") == utc.astimezone().strftime("%Y-%m-%d %H:%M")
    assert local_time("2024-01-02 09:00:00") == local_time("2024-01-02T09:00:00+00:00")
    assert local_time(None) == ""
