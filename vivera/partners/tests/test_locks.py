"""The row lock the partner services take (docs/architecture.md, "Row locks"): FOR NO KEY
UPDATE of the submission's own row. Two writes to one submission still wait for each other,
but another transaction's foreign-key check on the submission (an attempt or status change
inserted under it, checked at COMMIT) is not blocked; a plain FOR UPDATE blocks it, which with
the access log's lock makes a deadlock (the load test found it in registration).

PostgreSQL only: SQLite has no row locks (a writer locks the whole database)."""

from __future__ import annotations

import pytest
from django.db import connection, transaction

from vivera.partners import services
from vivera.partners.models import Submission

from .test_triage import receive

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: PostgreSQL only"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def other_connection():
    import psycopg

    settings = connection.settings_dict
    return psycopg.connect(
        dbname=settings["NAME"],
        host=settings["HOST"] or "127.0.0.1",
        port=settings["PORT"] or 5432,
        user=settings["USER"] or "postgres",
        password=settings["PASSWORD"] or "",
        autocommit=True,
    )


def test_a_locked_submission_lets_a_foreign_key_check_through_but_not_a_write(
    partner_user, oost_area
):
    submission = receive(partner_user)
    table = Submission._meta.db_table
    with transaction.atomic():
        services._lock(submission)
        with other_connection() as other:
            # What PostgreSQL's foreign-key check takes on the referenced row.
            found = other.execute(
                f'SELECT 1 FROM "{table}" WHERE id = %s FOR KEY SHARE NOWAIT', [submission.pk]
            ).fetchone()
            assert found == (1,)
            # Another service's lock still waits.
            import psycopg

            with pytest.raises(psycopg.errors.LockNotAvailable):
                other.execute(
                    f'SELECT 1 FROM "{table}" WHERE id = %s FOR NO KEY UPDATE NOWAIT',
                    [submission.pk],
                )
