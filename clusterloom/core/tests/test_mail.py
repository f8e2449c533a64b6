"""E-mail through a real SMTP server (an aiosmtpd sink on loopback): sent once per message."""

from clusterloom.core.mail import send_once


def test_a_message_goes_out_once_per_key(smtp_sink):
    smtp = smtp_sink
    assert send_once("notice-1:7", "Agenda", "Your agenda.", ["a@example.test"]) == 1
    assert send_once("notice-1:7", "Agenda", "Your agenda.", ["a@example.test"]) == 0
    assert send_once(None, "Agenda", "Your agenda.", ["a@example.test"]) == 1
    assert len(smtp.messages) == 2
    assert smtp.messages[0][0] == ["a@example.test"]
