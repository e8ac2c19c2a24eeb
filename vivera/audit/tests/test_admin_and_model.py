"""The access log is append-only: no screen and no query changes or removes a line."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.urls import reverse

from vivera.accounts.models import Role, User
from vivera.audit.models import AccessLogEntry, Action
from vivera.audit.services import log_access
from vivera.conftest import PASSWORD, login
from vivera.organisation.models import Municipality

CHANGELIST = reverse("admin:audit_accesslogentry_changelist")


@pytest.fixture
def superuser(db: None) -> User:
    return User.objects.create_superuser(
        username="root", password=PASSWORD, email="root@example.org"
    )


@pytest.fixture
def other_admin(make_user: Callable[..., User], other_municipality: Municipality) -> User:
    return make_user("other_admin", Role.ADMIN, other_municipality)


class TestAppendOnly:
    def test_it_refuses_to_change_a_saved_line(self, pro: User) -> None:
        entry = log_access(user=pro, action=Action.READ, object_type="client", object_id=1)
        entry.object_id = "2"

        with pytest.raises(PermissionError):
            entry.save()

        assert AccessLogEntry.objects.get(pk=entry.pk).object_id == "1"

    def test_it_refuses_to_delete_a_line(self, pro: User) -> None:
        entry = log_access(user=pro, action=Action.READ, object_type="client")

        with pytest.raises(PermissionError):
            entry.delete()

        assert AccessLogEntry.objects.filter(pk=entry.pk).exists()

    def test_it_refuses_bulk_updates_and_deletes(self, pro: User) -> None:
        log_access(user=pro, action=Action.READ, object_type="client")

        with pytest.raises(PermissionError):
            AccessLogEntry.objects.update(action=Action.UPDATE)
        with pytest.raises(PermissionError):
            AccessLogEntry.objects.filter(username="pro").delete()

        assert AccessLogEntry.objects.filter(action=Action.READ).count() == 1


class TestInTheAdmin:
    def test_it_shows_the_admin_its_own_municipalitys_lines(
        self, admin_user: User, pro: User, other_pro: User
    ) -> None:
        own = log_access(user=pro, action=Action.READ, object_type="dossier")
        log_access(user=other_pro, action=Action.READ, object_type="dossier")

        response = login(admin_user).get(CHANGELIST)

        assert response.status_code == 200
        assert list(response.context["cl"].result_list) == [own]

    def test_it_shows_a_line_read_only(self, admin_user: User, pro: User) -> None:
        entry = log_access(user=pro, action=Action.READ, object_type="dossier", object_id=5)
        client = login(admin_user)
        url = reverse("admin:audit_accesslogentry_change", args=[entry.pk])

        page = client.get(url)
        post = client.post(url, {"object_id": "6"})

        assert page.status_code == 200
        assert page.context["has_change_permission"] is False
        assert post.status_code == 403
        assert AccessLogEntry.objects.get(pk=entry.pk).object_id == "5"

    @pytest.mark.parametrize("persona", ["admin_user", "superuser"])
    def test_it_offers_nobody_add_or_delete(
        self, request: pytest.FixtureRequest, pro: User, persona: str
    ) -> None:
        entry = log_access(user=pro, action=Action.READ, object_type="dossier")
        client = login(request.getfixturevalue(persona))

        add = client.get(reverse("admin:audit_accesslogentry_add"))
        delete = client.post(
            reverse("admin:audit_accesslogentry_delete", args=[entry.pk]), {"post": "yes"}
        )
        bulk = client.post(
            CHANGELIST, {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"}
        )

        assert add.status_code == 403
        assert delete.status_code == 403
        assert bulk.status_code in (200, 302)
        assert AccessLogEntry.objects.filter(pk=entry.pk).exists()

    def test_it_hides_another_municipalitys_line(self, other_admin: User, pro: User) -> None:
        entry = log_access(user=pro, action=Action.READ, object_type="dossier")

        response = login(other_admin).get(
            reverse("admin:audit_accesslogentry_change", args=[entry.pk])
        )

        assert response.status_code == 302
        assert response["Location"] == reverse("admin:index")


def test_the_admin_shows_a_lines_hashes(admin_user: User, pro: User) -> None:
    entry = log_access(user=pro, action=Action.READ, object_type="dossier")

    page = login(admin_user).get(reverse("admin:audit_accesslogentry_change", args=[entry.pk]))

    assert entry.prev_hash in page.content.decode()
    assert entry.entry_hash in page.content.decode()
