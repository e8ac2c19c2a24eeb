"""The overview's rules: who may write what, every problem at once, nothing deleted, and the
verdict of a target against hand-worked values."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from vivera.accounts.models import User
from vivera.audit.models import AccessLogEntry, ObjectType
from vivera.plans import selectors, services
from vivera.plans.models import Activity, Cluster, NoteState, Plan, StatusNote, Target

from .conftest import TODAY

pytestmark = pytest.mark.django_db


def messages(error: ValidationError) -> dict[str, list[str]]:
    return {k: [str(m) for m in v] for k, v in error.message_dict.items()}


def test_a_target_without_a_baseline_is_refused_with_every_problem(
    policy: User, cluster: Cluster
) -> None:
    with pytest.raises(ValidationError) as refused:
        services.target_save(
            user=policy,
            cluster=cluster,
            description="",
            unit="",
            baseline_year=None,
            baseline_value=None,
            target_value=Decimal(10),
            target_date=dt.date(2026, 12, 31),
            direction="sideways",
            figure="nonsense",
        )
    found = messages(refused.value)
    assert set(found) == {"description", "baseline_year", "baseline_value", "direction", "figure"}
    assert found["baseline_year"] == ["Een doel heeft een nulmeting nodig: vul het jaar in."]
    assert not Target.objects.exists()


def test_a_status_note_dated_in_the_future_is_refused(policy: User, activity: Activity) -> None:
    with pytest.raises(ValidationError) as refused:
        services.note_add(
            user=policy,
            activity=activity,
            date=TODAY + dt.timedelta(days=1),
            status="running",
            text="Loopt goed.",
            today=TODAY,
        )
    assert messages(refused.value) == {"date": ["De datum ligt in de toekomst."]}
    assert activity.notes.count() == 1


def test_a_dropped_activity_needs_its_reason(policy: User, activity: Activity) -> None:
    with pytest.raises(ValidationError) as refused:
        services.note_add(
            user=policy, activity=activity, date=TODAY, status="dropped", text=" ", today=TODAY
        )
    assert "text" in messages(refused.value)


def test_a_partner_proposes_and_the_policy_advisor_decides(
    policy: User, partner_user: User, activity: Activity
) -> None:
    proposal = services.note_add(
        user=partner_user,
        activity=activity,
        date=TODAY,
        status="running",
        text="Zaal is gehuurd, 60 aanmeldingen.",
        today=TODAY,
    )
    assert proposal.state == NoteState.PROPOSED and proposal.partner == partner_user.partner
    # A proposal does not count until accepted.
    assert selectors.current_note(activity, TODAY).status == "planned"
    with pytest.raises(ValidationError) as refused:
        services.note_decide(user=policy, note=proposal, accept=False, reason="")
    assert "reason" in messages(refused.value)
    services.note_decide(user=policy, note=proposal, accept=True)
    assert selectors.current_note(activity, TODAY).status == "running"
    second = services.note_add(
        user=partner_user, activity=activity, date=TODAY, status="done", text="Klaar.", today=TODAY
    )
    returned = services.note_decide(
        user=policy, note=second, accept=False, reason="De evaluatie volgt nog."
    )
    assert returned.state == NoteState.RETURNED and returned.reason == "De evaluatie volgt nog."
    # The history shows both: nothing is removed.
    assert activity.notes.count() == 3
    with pytest.raises(ValidationError):
        services.note_decide(user=policy, note=returned, accept=True)
    assert AccessLogEntry.objects.filter(object_type=ObjectType.POLICY_PLAN).count() >= 6


def test_a_partner_cannot_propose_for_an_activity_that_is_not_theirs(
    policy: User, partner_user: User, cluster: Cluster, other_partner: Any
) -> None:
    theirs = services.activity_add(
        user=policy,
        cluster=cluster,
        description="Respijtzorg",
        partners=[other_partner],
        status="running",
        note="",
        date=dt.date(2025, 3, 1),
        today=TODAY,
    )
    with pytest.raises(PermissionDenied) as refused:
        services.note_add(
            user=partner_user, activity=theirs, date=TODAY, status="done", text="x", today=TODAY
        )
    assert str(refused.value) == "Uw organisatie is niet verantwoordelijk voor deze activiteit."
    assert theirs.notes.count() == 1


@pytest.mark.parametrize("role", ["pro", "coordinator", "admin_user", "researcher"])
def test_only_the_policy_advisor_edits(role: str, request: Any, plan: Plan) -> None:
    user = request.getfixturevalue(role)
    with pytest.raises(PermissionDenied):
        services.cluster_save(user=user, plan=plan, title="X", goal="")


def test_an_activity_carried_over_keeps_its_history(
    policy: User, activity: Activity, cluster: Cluster
) -> None:
    later = services.plan_create(
        user=policy,
        title="Activiteitenoverzicht 2027",
        start_date=dt.date(2027, 1, 1),
        end_date=dt.date(2027, 12, 31),
    )
    to = services.cluster_save(user=policy, plan=later, title="Mantelzorg", goal="")
    moved = services.activity_move(user=policy, activity=activity, to=to, today=TODAY)
    assert moved.continues == activity
    history = selectors._history(moved, TODAY)
    assert [n.activity_id for n in history] == [activity.pk, activity.pk, moved.pk]
    assert "Doorgeschoven naar Activiteitenoverzicht 2027." in history[1].text
    with pytest.raises(ValidationError):
        services.activity_move(user=policy, activity=activity, to=to, today=TODAY)
    assert Activity.objects.filter(pk=activity.pk).exists()  # nothing deleted


def test_a_stale_edit_is_refused(policy: User, activity: Activity, partner_org: Any) -> None:
    services.activity_change(
        user=policy, activity=activity, description="Nieuw", partners=[partner_org], version=1
    )
    with pytest.raises(services.Stale):
        services.activity_change(
            user=policy, activity=activity, description="Oud", partners=[], version=1
        )
    activity.refresh_from_db()
    assert activity.description == "Nieuw"


# --- Progress, against hand-worked values -------------------------------------------------------


def measure(policy: User, target: Target, day: dt.date, value: int) -> None:
    services.measurement_add(
        user=policy,
        target=target,
        date=day,
        value=Decimal(value),
        source="Registratie MEE",
        today=TODAY,
    )


def test_a_target_going_up_is_on_track_behind_or_reached(policy: User, target: Target) -> None:
    # Baseline 295 at the end of 2024, target 418 at the end of 2026: at the end of 2025 the
    # path is at 295 + 123 × 365/730 = 356.5.
    assert selectors.progress(target, TODAY).verdict == selectors.NO_DATA
    measure(policy, target, dt.date(2025, 12, 31), 360)
    result = selectors.progress(target, dt.date(2026, 1, 1))
    assert result.expected == Decimal("356.5000") and result.verdict == selectors.ON_TRACK
    assert result.verdict_label == "Op koers"
    measure(policy, target, dt.date(2026, 1, 10), 340)
    assert selectors.progress(target, dt.date(2026, 2, 1)).verdict == selectors.BEHIND
    measure(policy, target, dt.date(2026, 6, 1), 418)
    assert selectors.progress(target, TODAY).verdict == selectors.REACHED
    # An earlier date sees only what was known then.
    assert selectors.progress(target, dt.date(2025, 6, 1)).verdict == selectors.NO_DATA


def test_not_above_the_level_of_a_year(policy: User, cluster: Cluster) -> None:
    isolated = services.target_save(
        user=policy,
        cluster=cluster,
        description="Aandeel inwoners in sociaal isolement",
        unit="%",
        baseline_year=2013,
        baseline_value=Decimal(9),
        target_value=Decimal(9),
        target_date=dt.date(2027, 12, 31),
        direction="not_above",
        figure="",
    )
    measure(policy, isolated, dt.date(2024, 10, 1), 8)
    assert selectors.progress(isolated, TODAY).verdict == selectors.ON_TRACK
    measure(policy, isolated, dt.date(2026, 4, 1), 10)
    assert selectors.progress(isolated, TODAY).verdict == selectors.BEHIND


def test_a_bound_target_takes_no_measurements(policy: User, cluster: Cluster) -> None:
    bound = services.target_save(
        user=policy,
        cluster=cluster,
        description="Nieuwe Wmo-toewijzingen",
        unit="",
        baseline_year=2024,
        baseline_value=Decimal(800),
        target_value=Decimal(700),
        target_date=dt.date(2026, 12, 31),
        direction="down",
        figure="wmo_allocations_new",
    )
    with pytest.raises(ValidationError):
        measure(policy, bound, dt.date(2025, 12, 31), 1)


def test_the_overview_on_a_date(policy: User, activity: Activity, target: Target) -> None:
    services.note_add(
        user=policy,
        activity=activity,
        date=dt.date(2026, 3, 1),
        status="running",
        text="Voorbereiding loopt.",
        today=TODAY,
    )
    before = selectors.overview(activity.cluster.plan, dt.date(2026, 2, 1))
    after = selectors.overview(activity.cluster.plan, TODAY)
    assert before.clusters[0].activities[0].status == "planned"
    assert after.clusters[0].activities[0].status == "running"
    assert after.counts()["running"] == 1
    assert StatusNote.objects.count() == 2
