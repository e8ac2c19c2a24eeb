"""Two people edit the same record: the second save is refused with the merge view, never a
silent overwrite; per field the user chooses, and saving the merge is again checked against the
current version. Through the HTTP interface, for clients and dossiers."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from vivera.conftest import login
from vivera.registration.models import Client, Dossier
from vivera.registration.services import client_create, dossier_change_status, dossier_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_ans(pro, neighbourhood):
    return client_create(
        user=pro,
        first_name="Ans",
        last_name="Jansen",
        birth_date=dt.date(1970, 3, 1),
        postcode="9991AB",
        house_number="4",
        phone="0611111111",
    )


@pytest.fixture
def dossier(pro, client_ans, team_oost, codes):
    return dossier_create(
        user=pro,
        client=client_ans,
        team=team_oost,
        referrer=codes["gp"],
        registered_on=timezone.localdate() - dt.timedelta(days=30),
        case_director=pro,
    )


def opened(http: HttpClient, url: str) -> dict[str, Any]:
    """The edit form as the browser would post it unchanged: every field's value, the version
    and the hidden base values."""
    page = http.get(url)
    form = page.context["form"]
    data: dict[str, Any] = {}
    for bound in form:
        value = bound.value()
        if bound.widget_type == "checkbox":
            if value:
                data[bound.name] = "on"
        elif value is not None:
            data[bound.name] = value.isoformat() if isinstance(value, dt.date) else value
    data.update(dict(page.context["base_inputs"]))
    return data


def merge_post(page: Any, **choose: str) -> dict[str, Any]:
    """The merge view as the browser posts it: the hidden inputs, the checked radios, and
    `choose` = {field: "mine" | "theirs"} clicked."""
    merge = page.context["merge"]
    data: dict[str, Any] = {}
    for name, value in merge.hidden:
        data.setdefault(name, []).append(value)
    for choice in merge.choices:
        picked = choose.get(choice.name, choice.selected)
        if picked is not None:
            data[choice.name] = [getattr(choice, picked)]
    return data


def edit_dossier(dossier: Dossier) -> str:
    return reverse("registration:dossier_edit", args=[dossier.pk])


def edit_client(client: Client) -> str:
    return reverse("registration:client_edit", args=[client.pk])


def choices(page: Any) -> dict[str, Any]:
    return {c.name: c for c in page.context["merge"].choices}


# --- Dossiers ---------------------------------------------------------------------------------


def test_different_fields_merge_with_one_confirmation(pro, colleague, dossier):
    mine, theirs = login(pro), login(colleague)
    my_form, their_form = opened(mine, edit_dossier(dossier)), opened(theirs, edit_dossier(dossier))
    assert (
        theirs.post(edit_dossier(dossier), {**their_form, "carer_involved": "on"}).status_code
        == 302
    )
    page = mine.post(edit_dossier(dossier), {**my_form, "complexity": "complex"})

    # Refused: nothing of mine saved, theirs intact.
    assert page.status_code == 200
    dossier.refresh_from_db()
    assert (dossier.complexity, dossier.carer_involved) == ("single", True)
    # Per differing field: mine kept where they did not change it, theirs where I did not.
    found = choices(page)
    assert set(found) == {"complexity", "carer_involved"}
    assert (found["complexity"].selected, found["complexity"].conflict) == ("mine", False)
    assert (found["carer_involved"].selected, found["carer_involved"].conflict) == ("theirs", False)
    html = page.content.decode()
    assert 'role="alert"' in html
    assert str(colleague.get_full_name() or colleague.username) in html  # who saved it
    assert "<legend" in html and 'type="radio"' in html

    saved = mine.post(edit_dossier(dossier), merge_post(page))
    assert saved.status_code == 302
    dossier.refresh_from_db()
    assert (dossier.complexity, dossier.carer_involved) == ("complex", True)


def test_a_field_both_changed_needs_an_explicit_choice(pro, colleague, dossier):
    mine, theirs = login(pro), login(colleague)
    my_form, their_form = opened(mine, edit_dossier(dossier)), opened(theirs, edit_dossier(dossier))
    theirs.post(edit_dossier(dossier), {**their_form, "complexity": "multiple"})
    page = mine.post(
        edit_dossier(dossier), {**my_form, "complexity": "complex", "network_mapped": "on"}
    )
    conflict = choices(page)["complexity"]
    assert conflict.conflict and conflict.selected is None
    assert (conflict.mine, conflict.theirs) == ("complex", "multiple")

    # Saved without choosing: refused again, my input still there, nothing written.
    again = mine.post(edit_dossier(dossier), merge_post(page))
    assert again.status_code == 200
    found = choices(again)
    assert found["complexity"].error
    assert found["complexity"].mine == "complex"  # what I typed is not lost
    assert found["network_mapped"].selected == "mine"
    dossier.refresh_from_db()
    assert (dossier.complexity, dossier.network_mapped) == ("multiple", False)

    saved = mine.post(edit_dossier(dossier), merge_post(again, complexity="theirs"))
    assert saved.status_code == 302
    dossier.refresh_from_db()
    assert (dossier.complexity, dossier.network_mapped) == ("multiple", True)


def test_a_third_change_while_merging_is_refused_with_a_new_merge_view(
    pro, colleague, coordinator, dossier
):
    mine, theirs, third = login(pro), login(colleague), login(coordinator)
    my_form = opened(mine, edit_dossier(dossier))
    theirs.post(
        edit_dossier(dossier), {**opened(theirs, edit_dossier(dossier)), "volunteer_deployed": "on"}
    )
    page = mine.post(edit_dossier(dossier), {**my_form, "complexity": "complex"})
    assert page.context["merge"]
    # While I choose, a third person saves.
    third.post(
        edit_dossier(dossier), {**opened(third, edit_dossier(dossier)), "complexity": "multiple"}
    )
    again = mine.post(edit_dossier(dossier), merge_post(page))
    assert again.status_code == 200
    found = choices(again)
    # Against the version I merged with: complexity now changed by both.
    assert found["complexity"].conflict
    assert (found["complexity"].mine, found["complexity"].theirs) == ("complex", "multiple")
    dossier.refresh_from_db()
    assert (dossier.complexity, dossier.volunteer_deployed) == ("multiple", True)
    saved = mine.post(edit_dossier(dossier), merge_post(again, complexity="mine"))
    assert saved.status_code == 302
    dossier.refresh_from_db()
    assert (dossier.complexity, dossier.volunteer_deployed) == ("complex", True)


def test_a_status_change_in_between_also_shows_the_merge_view(pro, dossier):
    http = login(pro)
    form = opened(http, edit_dossier(dossier))
    dossier_change_status(user=pro, dossier=dossier, to_status="intake", date=timezone.localdate())
    page = http.post(edit_dossier(dossier), {**form, "resident_contact": "on"})
    assert choices(page)["resident_contact"].selected == "mine"
    assert http.post(edit_dossier(dossier), merge_post(page)).status_code == 302
    dossier.refresh_from_db()
    assert dossier.resident_contact is True


def test_without_base_values_every_difference_must_be_chosen(pro, colleague, dossier, codes):
    """A form posted without the hidden base (an old page) cannot tell who changed what."""
    mine, theirs = login(pro), login(colleague)
    theirs.post(
        edit_dossier(dossier), {**opened(theirs, edit_dossier(dossier)), "carer_involved": "on"}
    )
    page = mine.post(
        edit_dossier(dossier),
        {
            "case_director": pro.pk,
            "referrer": codes["gp"].pk,
            "complexity": "complex",
            "version": 1,
        },
    )
    found = choices(page)
    assert all(c.selected is None for c in found.values())
    assert set(found) == {"complexity", "carer_involved"}


# --- Clients ----------------------------------------------------------------------------------


def test_client_edits_merge_per_field(pro, colleague, client_ans):
    mine, theirs = login(pro), login(colleague)
    my_form, their_form = (
        opened(mine, edit_client(client_ans)),
        opened(theirs, edit_client(client_ans)),
    )
    assert (
        theirs.post(
            edit_client(client_ans), {**their_form, "phone": "0622222222", "house_number": "4a"}
        ).status_code
        == 302
    )
    page = mine.post(
        edit_client(client_ans), {**my_form, "phone": "0633333333", "email": "ans@example.nl"}
    )
    assert page.status_code == 200
    client_ans.refresh_from_db()
    assert (client_ans.phone, client_ans.house_number, client_ans.email) == ("0622222222", "4a", "")
    found = choices(page)
    assert set(found) == {"phone", "house_number", "email"}
    assert found["phone"].conflict and found["phone"].selected is None
    assert found["email"].selected == "mine"
    assert found["house_number"].selected == "theirs"
    assert "0633333333" in page.content.decode()  # what I typed is on the page

    saved = mine.post(edit_client(client_ans), merge_post(page, phone="mine"))
    assert saved.status_code == 302
    client_ans.refresh_from_db()
    assert (client_ans.phone, client_ans.house_number, client_ans.email) == (
        "0633333333",
        "4a",
        "ans@example.nl",
    )
    assert client_ans.version == 3


def test_a_client_date_field_merges_too(pro, colleague, client_ans):
    mine, theirs = login(pro), login(colleague)
    my_form, their_form = (
        opened(mine, edit_client(client_ans)),
        opened(theirs, edit_client(client_ans)),
    )
    theirs.post(edit_client(client_ans), {**their_form, "birth_date": "1971-03-01"})
    page = mine.post(edit_client(client_ans), {**my_form, "first_name": "Anna"})
    found = choices(page)
    assert found["birth_date"].selected == "theirs"
    assert found["birth_date"].theirs_display == "01-03-1971"
    assert mine.post(edit_client(client_ans), merge_post(page)).status_code == 302
    client_ans.refresh_from_db()
    assert (client_ans.first_name, client_ans.birth_date) == ("Anna", dt.date(1971, 3, 1))


def test_an_unchanged_second_save_still_goes_through_the_merge_view(pro, colleague, client_ans):
    """Even when my input equals what is saved now, a stale save is never applied unasked."""
    mine, theirs = login(pro), login(colleague)
    my_form = opened(mine, edit_client(client_ans))
    theirs.post(
        edit_client(client_ans), {**opened(theirs, edit_client(client_ans)), "phone": "0644444444"}
    )
    page = mine.post(edit_client(client_ans), {**my_form, "phone": "0644444444"})
    assert page.context["merge"].choices == []
    assert mine.post(edit_client(client_ans), merge_post(page)).status_code == 302
    client_ans.refresh_from_db()
    assert client_ans.phone == "0644444444"


def test_a_merged_save_is_a_merge_line_in_the_access_log(pro, colleague, dossier):
    """Saved from the merge view: besides the change itself, a "merge" line names the fields
    that differed. An ordinary save writes none."""
    from vivera.audit.models import AccessLogEntry, Action

    mine, theirs = login(pro), login(colleague)
    my_form, their_form = opened(mine, edit_dossier(dossier)), opened(theirs, edit_dossier(dossier))
    theirs.post(edit_dossier(dossier), {**their_form, "carer_involved": "on"})
    assert not AccessLogEntry.objects.filter(action=Action.MERGE).exists()
    page = mine.post(edit_dossier(dossier), {**my_form, "complexity": "complex"})
    assert mine.post(edit_dossier(dossier), merge_post(page)).status_code == 302
    line = AccessLogEntry.objects.get(action=Action.MERGE)
    assert (line.user, line.object_type, line.object_id) == (pro, "dossier", str(dossier.pk))
    assert line.client_id == dossier.client_id
    assert sorted(line.detail["fields"]) == ["carer_involved", "complexity"]
