"""Voor elkaar in a real browser: a visitor searches without logging in, signs up with the link
from the e-mail and posts a request (contact details refused first); the moderator publishes it.
A helper replies, both share their contact details and the poster records the match; a team
answers for its client from the dossier. On a desktop and on a phone (390 px), with axe-core on
every page."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect

from vivera.accounts.models import User
from vivera.matching.models import Connection, Listing, ListingStatus, Member

from .helpers import accessible, either, log_in, registered_dossier
from .test_phone import PHONE, check_fits

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def page(axe_page: Page) -> Page:
    return axe_page


@pytest.mark.parametrize(
    "viewport", [{"width": 1280, "height": 900}, PHONE], ids=["desktop", "phone"]
)
def test_sign_up_post_and_publish(
    page: Page, admin_user: User, neighbourhood: Any, viewport: dict[str, int], live_server: Any
) -> None:
    page.set_viewport_size(viewport)
    check_fits(page, "/voor-elkaar/")
    accessible(page)
    check_fits(page, "/voor-elkaar/aanmelden/")
    page.wait_for_timeout(2100)  # the bot guard's minimum
    page.locator("[name=name]").fill("Fatima")
    page.locator("[name=email]").fill("fatima@example.nl")
    page.get_by_role("button", name=either("Stuur me de link")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kijk in je e-mail")
    link = next(w for w in mail.outbox[-1].body.split() if "/voor-elkaar/bevestigen/" in w)
    page.goto(link[link.index("/voor-elkaar/") :])
    expect(page.get_by_text("Je e-mailadres is bevestigd.")).to_be_visible()
    accessible(page)

    check_fits(page, "/voor-elkaar/plaatsen/")
    page.wait_for_timeout(2100)
    page.locator("[name=title]").fill("Samen boodschappen doen")
    page.locator("[name=text]").fill("Wie gaat mee naar de markt? Mail fatima@example.nl")
    page.locator("[name=help_kind]").select_option("shopping")
    page.locator("[name=neighbourhood]").select_option(str(neighbourhood.pk))
    page.locator("[name=frequency][value=recurring]").check()
    page.get_by_role("button", name=either("Naar de moderator sturen")).click()
    expect(page.get_by_role("alert")).to_contain_text("Haal een e-mailadres weg")
    expect(page.locator("[name=title]")).to_have_value("Samen boodschappen doen")
    accessible(page)
    page.wait_for_timeout(2100)
    page.locator("[name=text]").fill("Wie gaat op zaterdag mee naar de markt?")
    page.get_by_role("button", name=either("Naar de moderator sturen")).click()
    expect(page.get_by_test_id("mine")).to_contain_text("Wacht op de moderator")

    page.context.clear_cookies()
    log_in(page, "admin")
    check_fits(page, "/beheer/voor-elkaar/")
    accessible(page)
    page.get_by_role("button", name=either("Online zetten")).click()
    assert Listing.objects.get().status == ListingStatus.PUBLISHED
    page.goto("/voor-elkaar/?q=markt")
    expect(page.locator("article")).to_contain_text("Samen boodschappen doen")


def _sign_in(page: Page, municipality: Any, name: str, email: str) -> None:
    """Sign a member in with the link from the e-mail, as they would (the link is requested
    through the service: the sign-up form is the test above)."""
    from vivera.matching import services

    services.member_send_link(
        municipality=municipality,
        name=name,
        email=email,
        is_organisation=False,
        address="127.0.0.1",
        base_url="",
    )
    link = next(w for w in mail.outbox[-1].body.split() if "/voor-elkaar/bevestigen/" in w)
    page.context.clear_cookies()
    page.goto(link)
    expect(page.get_by_text("Je e-mailadres is bevestigd.")).to_be_visible()


@pytest.mark.parametrize(
    "viewport", [{"width": 1280, "height": 900}, PHONE], ids=["desktop", "phone"]
)
def test_reply_share_contact_and_match(
    page: Page,
    municipality: Any,
    make_listing: Any,
    viewport: dict[str, int],
    live_server: Any,
) -> None:
    page.set_viewport_size(viewport)
    anna = Member.objects.create(
        municipality=municipality, name="Anna", email="anna@example.nl", confirmed_at=timezone.now()
    )
    request = make_listing(
        member=anna,
        title="Telefoonmaatje gezocht",
        text="Wie belt een keer per week voor een praatje?",
        help_kind="phone_buddy",
        parts_of_day=["evening"],
        frequency="recurring",
    )

    # Bram offers help and replies; a phone number is refused until both agree to share.
    _sign_in(page, municipality, "Bram", "bram@example.nl")
    bram = Member.objects.get(email="bram@example.nl")
    make_listing(
        kind="offer",
        member=bram,
        title="Ik bel graag met iemand",
        text="Op doordeweekse avonden.",
        help_kind="phone_buddy",
        parts_of_day=["evening"],
        frequency="recurring",
    )
    check_fits(page, f"/voor-elkaar/{request.pk}/")
    accessible(page)
    page.locator("[name=reply-text]").fill("Bel me op 06-12345678")
    page.get_by_role("button", name=either("Versturen", "Send")).click()
    expect(page.get_by_role("alert")).to_contain_text("telefoonnummer")
    expect(page.locator("[name=reply-text]")).to_have_value("Bel me op 06-12345678")
    page.locator("[name=reply-text]").fill("Ik bel je graag op dinsdagavond.")
    page.get_by_role("button", name=either("Versturen", "Send")).click()
    expect(page.get_by_test_id("messages")).to_contain_text("Ik bel je graag op dinsdagavond.")
    connection = Connection.objects.get()
    check_fits(page, f"/voor-elkaar/contact/{connection.pk}/")
    accessible(page)
    page.get_by_role("button", name=either("Mijn contactgegevens delen")).click()

    # Anna sees the reply waiting and Bram's offer suggested, with the reasons in words.
    assert mail.outbox[-1].to == ["anna@example.nl"]
    _sign_in(page, municipality, "Anna", "anna@example.nl")
    check_fits(page, "/voor-elkaar/mijn/")
    accessible(page)
    expect(page.get_by_test_id("threads")).to_contain_text("nieuw bericht")
    expect(page.get_by_test_id("suggestions")).to_contain_text("Ik bel graag met iemand")
    expect(page.get_by_test_id("suggestions")).to_contain_text("dezelfde soort hulp")
    page.get_by_test_id("threads").get_by_role("link").click()
    page.locator("[name=text]").fill("Dinsdag is goed!")
    page.get_by_role("button", name=either("Versturen", "Send")).click()
    page.get_by_role("button", name=either("Mijn contactgegevens delen")).click()
    expect(page.get_by_test_id("shared")).to_contain_text("bram@example.nl")
    page.locator("[name=status]").select_option("match")
    page.get_by_role("button", name=either("Opslaan", "Save")).click()
    expect(page.get_by_test_id("status")).to_have_text("Match")
    accessible(page)
    connection.refresh_from_db()
    assert connection.status == "match" and connection.shared
    assert connection.follow_up_on == timezone.localdate() + dt.timedelta(days=28)


@pytest.mark.parametrize(
    "viewport", [{"width": 1280, "height": 900}, PHONE], ids=["desktop", "phone"]
)
def test_the_team_answers_for_its_client(
    page: Page,
    pro: User,
    team_oost: Any,
    codes: Any,
    neighbourhood: Any,
    viewport: dict[str, int],
    live_server: Any,
) -> None:
    from vivera.matching import services

    page.set_viewport_size(viewport)
    pro.email = "pro@wijkteam.example.nl"
    pro.save()
    dossier = registered_dossier(pro, team_oost, codes["gp"], "Zichtbaarniet")
    listing = services.listing_post_for_client(
        user=pro,
        dossier=dossier,
        title="Vervoer naar de dagbesteding",
        text="Wie rijdt op dinsdag mee?",
        help_kind="transport",
        neighbourhood=neighbourhood,
        parts_of_day=["morning"],
        frequency="recurring",
    )
    listing.status, listing.published_at = "published", timezone.now()
    listing.save()
    helper = Member.objects.create(
        municipality=team_oost.municipality,
        name="Bram",
        email="bram@example.nl",
        confirmed_at=timezone.now(),
    )
    connection = services.connection_start(member=helper, listing=listing, text="Ik rijd mee.")

    log_in(page, "pro")
    page.goto(f"/dossiers/{dossier.pk}/")
    expect(page.get_by_test_id("matching")).to_contain_text("wacht op uw antwoord")
    page.get_by_role("link", name="Gesprek met Bram").click()
    expect(page.get_by_test_id("messages")).to_contain_text("Ik rijd mee.")
    check_fits(page, f"/dossiers/{dossier.pk}/voor-elkaar/gesprek/{connection.pk}/")
    accessible(page)
    page.locator("[name=text]").fill("Fijn! Om half negen?")
    page.get_by_role("button", name=either("Versturen", "Send")).click()
    page.get_by_role("button", name=either("Mijn contactgegevens delen")).click()
    page.locator("[name=status]").select_option("match")
    page.get_by_role("button", name=either("Opslaan", "Save")).click()
    page.goto(f"/dossiers/{dossier.pk}/")
    expect(page.get_by_test_id("matching")).to_contain_text("Match")
    accessible(page)

    # The helper sees the team, never the resident.
    _sign_in(page, team_oost.municipality, "Bram", "bram@example.nl")
    page.goto(f"/voor-elkaar/contact/{connection.pk}/")
    expect(page.get_by_test_id("messages")).to_contain_text("wijkteam Oost")
    expect(page.locator("main")).not_to_contain_text("Zichtbaarniet")
