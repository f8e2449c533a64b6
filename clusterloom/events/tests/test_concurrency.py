"""Two accepts at the same moment that would put one person in two meetings in one slot: one
wins, the other gets a clear error, and the person has one meeting in that slot. Run on SQLite
(the second writer waits for the first, `transaction_mode=IMMEDIATE`, then fails on the Booking
unique constraint) and on PostgreSQL (`DATABASE_URL=postgres://... pytest ...`: the Booking
unique index makes the second wait and then fail)."""

import sqlite3
import threading

import pytest
from django.db import connection

from clusterloom.core.errors import DomainError
from clusterloom.events import meetings
from clusterloom.events.meetings import meeting_accept
from clusterloom.events.models import Booking, Meeting

from .conftest import ask, slots

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def database_file(transactional_db, tmp_path):
    """On SQLite, run the test on a database file, as an install does. The test database lives
    in memory with a shared cache, where a second writer is refused at once ("database table
    is locked") instead of waiting for the first as it does on a file; so the in-memory test
    database (with its reference data) is copied to a file for the test, then put back."""
    if connection.vendor != "sqlite" or not connection.is_in_memory_db():
        yield
        return
    connection.ensure_connection()
    memory_name, memory = connection.settings_dict["NAME"], connection.connection
    path = tmp_path / "events.sqlite3"
    copy = sqlite3.connect(path)
    memory.backup(copy)
    copy.close()
    # The in-memory connection stays open (it keeps the database alive) but out of use.
    connection.settings_dict["NAME"] = str(path)
    connection.connection = None
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["NAME"] = memory_name
        connection.connection = memory


def _accept_at_once(actors_and_meetings):
    """Accept each meeting in its own thread (own DB connection), all released together."""
    barrier = threading.Barrier(len(actors_and_meetings))
    outcomes = [None] * len(actors_and_meetings)

    def run(i, actor, meeting):
        try:
            barrier.wait(timeout=10)
            outcomes[i] = meeting_accept(actor=actor, meeting=meeting)
        except DomainError as error:
            outcomes[i] = error
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            outcomes[i] = error
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(i, actor, meeting))
        for i, (actor, meeting) in enumerate(actors_and_meetings)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(t.is_alive() for t in threads)
    return outcomes


@pytest.mark.parametrize("checks", ["service and database", "database only"])
def test_two_simultaneous_accepts_cannot_double_book_the_invitee(
    database_file, eworld, monkeypatch, checks
):
    w = eworld
    if checks == "database only":
        # Without the service's look at the bookings, the Booking constraint alone decides.
        monkeypatch.setattr(meetings, "_check_slot", lambda *args, **kwargs: None)
    # Both suppliers asked a buyer for the same slot; she accepts both at once (twice over).
    for n, buyer in enumerate((w.p_es, w.p_sk)):
        slot = slots(w)[n]
        first = ask(w, w.p_it, buyer, slot=slot)
        second = ask(w, w.p_cz, buyer, slot=slot)
        outcomes = _accept_at_once([(buyer.user, first), (buyer.user, second)])
        won = [o for o in outcomes if isinstance(o, Meeting)]
        lost = [o for o in outcomes if not isinstance(o, Meeting)]
        assert len(won) == 1 and len(lost) == 1, outcomes
        assert isinstance(lost[0], DomainError), repr(lost[0])
        assert lost[0].field == "slot"
        assert "already" in lost[0].message
        in_slot = Meeting.objects.filter(slot=slot, status="scheduled")
        assert list(in_slot.values_list("pk", flat=True)) == [won[0].pk]
        assert Booking.objects.filter(participant=buyer, slot=slot).count() == 1
        loser = Meeting.objects.get(pk=({first.pk, second.pk} - {won[0].pk}).pop())
        assert loser.status == "requested" and loser.bookings.count() == 0


def test_two_invitees_accepting_at_once_cannot_double_book_the_requester(database_file, eworld):
    """The Italian supplier asked both buyers for one slot; they accept at the same moment."""
    w = eworld
    slot = slots(w)[4]
    to_es = ask(w, w.p_it, w.p_es, slot=slot)
    to_sk = ask(w, w.p_it, w.p_sk, slot=slot)
    outcomes = _accept_at_once([(w.buyer_es, to_es), (w.buyer_sk, to_sk)])
    assert sum(isinstance(o, Meeting) for o in outcomes) == 1, outcomes
    assert sum(isinstance(o, DomainError) for o in outcomes) == 1, outcomes
    assert Booking.objects.filter(participant=w.p_it, slot=slot).count() == 1
    assert Meeting.objects.filter(slot=slot, status="scheduled").count() == 1
