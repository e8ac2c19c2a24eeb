"""The access log's hash chain and `vivera verify_access_log` (BIO 8.15: tampering detectable)."""

from __future__ import annotations

import datetime as dt
import io
import threading
import time
from contextlib import redirect_stderr, redirect_stdout
from unittest import mock

import pytest
from django.core.management import ManagementUtility, call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.test import RequestFactory

from vivera.accounts.models import User
from vivera.audit import chain
from vivera.audit.models import AccessLogEntry, Action, Result
from vivera.audit.selectors import access_log_verification
from vivera.audit.services import log_access

TABLE = AccessLogEntry._meta.db_table


def write_lines(user: User, count: int) -> list[AccessLogEntry]:
    return [
        log_access(
            user=user,
            action=Action.READ,
            object_type="dossier",
            object_id=number,
            client_id=number,
            detail={"b": [1, 2], "a": "é"},
        )
        for number in range(count)
    ]


def raw(sql: str, params: list[object]) -> None:
    """Past the model, as someone with access to the database would."""
    with connection.cursor() as cursor:
        cursor.execute(sql.replace("{table}", connection.ops.quote_name(TABLE)), params)


def verify(*args: str) -> tuple[int, str, str]:
    """Run the command as the operator does; its exit code, output and errors. (The command
    line closes the database connections when done; not here, inside the test's transaction.)"""
    out, err = io.StringIO(), io.StringIO()
    code = 0
    with (
        redirect_stdout(out),
        redirect_stderr(err),
        mock.patch("django.core.management.base.connections.close_all"),
    ):
        try:
            ManagementUtility(["vivera", "verify_access_log", *args]).execute()
        except SystemExit as exit_:
            code = int(exit_.code or 0)
    return code, out.getvalue(), err.getvalue()


class TestTheChain:
    def test_it_links_each_line_to_the_one_before(self, pro: User) -> None:
        first, second, third = write_lines(pro, 3)

        assert first.prev_hash == chain.GENESIS
        assert second.prev_hash == first.entry_hash
        assert third.prev_hash == second.entry_hash
        assert len({first.entry_hash, second.entry_hash, third.entry_hash}) == 3

    def test_it_hashes_what_the_database_holds(self, pro: User) -> None:
        request = RequestFactory().get(
            "/dossiers/7/?q=1", REMOTE_ADDR="2001:0db8:0000::0001", HTTP_USER_AGENT="Firefox"
        )
        entry = log_access(
            user=pro,
            action=Action.UPDATE,
            object_type="dossier",
            object_id=7,
            client_id=9,
            request=request,
            result=Result.REFUSED,
            detail={"z": {"y": 1, "x": None}, "a": 1.5},
        )

        stored = AccessLogEntry.objects.values("id", *chain.CONTENT_FIELDS).get(pk=entry.pk)

        assert stored["ip_address"] == "2001:db8::1"
        assert chain.entry_hash(entry.prev_hash, stored) == entry.entry_hash

    def test_it_covers_every_content_field(self, pro: User) -> None:
        entry = write_lines(pro, 1)[0]
        values = AccessLogEntry.objects.values(*chain.CONTENT_FIELDS).get(pk=entry.pk)

        for name in chain.CONTENT_FIELDS:
            changed = {**values, name: "changed"}
            assert chain.entry_hash(entry.prev_hash, changed) != entry.entry_hash, name

    def test_it_puts_the_time_in_utc_with_microseconds(self) -> None:
        moment = dt.datetime(2026, 3, 1, 9, 0, 0, 5, tzinfo=dt.timezone(dt.timedelta(hours=1)))
        values = dict.fromkeys(chain.CONTENT_FIELDS, "") | {"timestamp": moment, "detail": {}}

        assert '"timestamp":"2026-03-01T08:00:00.000005+00:00"' in chain.canonical(values)

    def test_it_stays_one_chain_over_separate_transactions(self, pro: User) -> None:
        with transaction.atomic():
            first = log_access(user=pro, action=Action.READ, object_type="client")
        with transaction.atomic():
            second = log_access(user=pro, action=Action.READ, object_type="client")
            third = log_access(user=pro, action=Action.READ, object_type="client")

        assert second.prev_hash == first.entry_hash
        assert third.prev_hash == second.entry_hash
        assert access_log_verification().intact

    def test_a_rolled_back_line_leaves_no_gap(self, pro: User) -> None:
        first = log_access(user=pro, action=Action.READ, object_type="client")
        with pytest.raises(RuntimeError), transaction.atomic():
            log_access(user=pro, action=Action.READ, object_type="client")
            raise RuntimeError
        after = log_access(user=pro, action=Action.READ, object_type="client")

        assert after.prev_hash == first.entry_hash
        assert access_log_verification().checked == 2


class TestVerification:
    def test_an_empty_log_is_intact(self, db: None) -> None:
        result = access_log_verification()

        assert result.intact
        assert result.checked == 0
        assert result.head_hash == chain.GENESIS

    def test_an_intact_chain_passes_and_names_its_head(self, pro: User) -> None:
        lines = write_lines(pro, 5)

        code, out, err = verify()

        assert code == 0, err
        assert "intact: 5 regels gecontroleerd" in out
        assert f"kop: {lines[-1].pk} {lines[-1].entry_hash}" in out

    def test_it_finds_a_line_changed_in_the_database(self, pro: User) -> None:
        lines = write_lines(pro, 5)
        raw("UPDATE {table} SET username = %s WHERE id = %s", ["someone_else", lines[2].pk])

        code, _out, err = verify()

        assert code == 1
        assert f"regel #{lines[2].pk}" in err
        assert "inhoud van de regel is gewijzigd" in err
        assert "2 regels ervoor zijn in orde" in err

    def test_it_finds_a_changed_line_whose_hash_was_recomputed(self, pro: User) -> None:
        lines = write_lines(pro, 4)
        values = AccessLogEntry.objects.values(*chain.CONTENT_FIELDS).get(pk=lines[1].pk)
        values["client_id"] = 4242
        forged = chain.entry_hash(lines[1].prev_hash, values)
        raw(
            "UPDATE {table} SET client_id = %s, entry_hash = %s WHERE id = %s",
            [4242, forged, lines[1].pk],
        )

        result = access_log_verification()

        # The forged line itself is consistent; the next one no longer points at it.
        assert result.broken is not None
        assert result.broken.entry_id == lines[2].pk
        assert result.broken.reason == "prev_hash"

    def test_it_finds_a_line_removed_from_the_middle(self, pro: User) -> None:
        lines = write_lines(pro, 5)
        raw("DELETE FROM {table} WHERE id = %s", [lines[2].pk])

        code, _out, err = verify()

        assert code == 1
        assert f"regel #{lines[3].pk}" in err
        assert "vorige regel klopt niet" in err

    def test_it_finds_lines_removed_from_the_end_with_the_recorded_head(self, pro: User) -> None:
        lines = write_lines(pro, 5)
        recorded = lines[-1].entry_hash
        raw("DELETE FROM {table} WHERE id >= %s", [lines[3].pk])

        # Without the recorded head the shorter chain looks whole: that is what the daily
        # record is for.
        assert verify()[0] == 0
        code, _out, err = verify("--verwacht", recorded)

        assert code == 1
        assert recorded in err
        assert "weggehaald" in err

    def test_the_recorded_head_may_be_followed_by_newer_lines(self, pro: User) -> None:
        recorded = write_lines(pro, 3)[-1].entry_hash
        write_lines(pro, 2)

        code, out, _err = verify("--tot-hash", recorded.upper())

        assert code == 0
        assert "De vastgelegde kop komt in de keten voor." in out

    def test_it_refuses_something_that_is_not_a_hash(self, db: None) -> None:
        with pytest.raises(CommandError):
            call_command("verify_access_log", "--verwacht", "not-a-hash")

    def test_call_command_raises_on_a_broken_chain(self, pro: User) -> None:
        lines = write_lines(pro, 2)
        raw("UPDATE {table} SET action = %s WHERE id = %s", ["delete", lines[0].pk])

        with pytest.raises(CommandError) as raised:
            call_command("verify_access_log")

        assert raised.value.returncode == 1


# serialized_rollback: the flush after a transactional test would drop the seeded code lists.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="concurrent writers need PostgreSQL (SQLite has one writer at a time)",
)
def test_concurrent_writers_do_not_fork_the_chain(pro: User) -> None:
    """Eight threads, each with its own connection, append in transactions that also do other
    work; every line still has a distinct predecessor."""
    start = threading.Barrier(8)

    def writer(number: int) -> None:
        try:
            start.wait()
            for round_ in range(10):
                with transaction.atomic():
                    log_access(
                        user=pro,
                        action=Action.READ,
                        object_type="client",
                        object_id=f"{number}-{round_}",
                    )
                    time.sleep(0.001)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(number,)) for number in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    prev_hashes = list(AccessLogEntry.objects.values_list("prev_hash", flat=True))
    assert len(prev_hashes) == 80
    assert len(set(prev_hashes)) == 80
    result = access_log_verification()
    assert result.intact
    assert result.checked == 80
