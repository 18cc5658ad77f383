"""The retry schedule on its own."""

from __future__ import annotations

from portal.notify.delivery import DeliveryReport, retry_delay


def test_retry_delay_doubles_and_is_capped() -> None:
    expected = [60, 120, 240, 480]
    for attempts, seconds in enumerate(expected, start=1):
        delay = retry_delay(attempts).total_seconds()
        assert seconds <= delay <= seconds * 1.1
    assert 6 * 3600 <= retry_delay(50).total_seconds() <= 6 * 3600 * 1.1
    assert retry_delay(10_000).total_seconds() <= 6 * 3600 * 1.1


def test_report_summary_line() -> None:
    report = DeliveryReport(sent=3, failed=1, dead=0, pending=2)

    assert report.summary() == "sent 3, failed 1, dead 0, pending 2"
    assert report.processed == 4
