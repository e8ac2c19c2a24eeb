"""Fixtures for the provisions' tests: a client the teams know (with a BSN), and deliveries
written as the social service would write them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from vivera.accounts.models import User
from vivera.organisation.models import Neighbourhood, Team
from vivera.registration.models import Client, Dossier, DossierStatus

# Valid BSNs (11-test): one of a Vivera client, two of residents the teams do not know.
CLIENT_BSN = "123456782"
OTHER_BSN = "111222333"
THIRD_BSN = "100000009"
HEADER = (
    "bsn;toewijzingnummer;productcategorie;productcode;ingangsdatum;einddatum;volume;eenheid;"
    "frequentie;aanbieder;aanbieder_naam;reden_beeindiging;postcode"
)


def csv(*lines: str, header: str = HEADER) -> tuple[str, bytes]:
    return ("toewijzingen.csv", ("\n".join([header, *lines]) + "\n").encode())


@pytest.fixture
def known_client(
    municipality: Any,
    pro: User,
    team_oost: Team,
    codes: dict[str, Any],
    neighbourhood: Neighbourhood,
) -> Client:
    client = Client.objects.create(
        municipality=municipality,
        first_name="Ria",
        last_name="Hulpvraag",
        bsn=CLIENT_BSN,
        postcode="9991AB",
        neighbourhood=neighbourhood,
        created_by=pro,
    )
    Dossier.objects.create(
        municipality=municipality,
        team=team_oost,
        client=client,
        referrer=codes["gp"],
        registered_on=dt.date(2025, 2, 10),
        status=DossierStatus.ACTIVE,
        status_since=dt.date(2025, 2, 10),
        created_by=pro,
    )
    return client


def message(
    *products: str,
    bsn: str = CLIENT_BSN,
    sender: str = "9991",
    namespace_version: str = "3_2",
    message_code: str = "414",
    dated: str = "2025-06-01",
    receiver: str = "42420001",
) -> bytes:
    """A WMO301 message (iWmo 3.2) with the given ToegewezenProduct elements."""
    ns = f"http://www.istandaarden.nl/iwmo/{namespace_version}"
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<wmo301:Bericht xmlns:iwmo="{ns}/basisschema/schema" xmlns:wmo301="{ns}/wmo301/schema">
  <wmo301:Header>
    <wmo301:BerichtCode>{message_code}</wmo301:BerichtCode>
    <wmo301:BerichtVersie>3</wmo301:BerichtVersie>
    <wmo301:BerichtSubversie>2</wmo301:BerichtSubversie>
    <wmo301:Afzender>{sender}</wmo301:Afzender>
    <wmo301:Ontvanger>{receiver}</wmo301:Ontvanger>
    <wmo301:BerichtIdentificatie>
      <iwmo:Identificatie>M{dated}</iwmo:Identificatie>
      <iwmo:Dagtekening>{dated}</iwmo:Dagtekening>
    </wmo301:BerichtIdentificatie>
    <wmo301:XsdVersie>
      <iwmo:BasisschemaXsdVersie>1.0.0</iwmo:BasisschemaXsdVersie>
      <iwmo:BerichtXsdVersie>1.0.0</iwmo:BerichtXsdVersie>
    </wmo301:XsdVersie>
  </wmo301:Header>
  <wmo301:Client>
    <wmo301:Bsn>{bsn}</wmo301:Bsn>
    <wmo301:Geboortedatum><iwmo:Datum>1950-03-01</iwmo:Datum></wmo301:Geboortedatum>
    <wmo301:Geslacht>2</wmo301:Geslacht>
    <wmo301:Naam>
      <iwmo:Geslachtsnaam><iwmo:Achternaam>Hulpvraag</iwmo:Achternaam></iwmo:Geslachtsnaam>
      <iwmo:Voorletters>R</iwmo:Voorletters>
      <iwmo:NaamGebruik>1</iwmo:NaamGebruik>
    </wmo301:Naam>
    <wmo301:Contactgegevens>
      <wmo301:Contact>
        <wmo301:Soort>01</wmo301:Soort>
        <wmo301:Adres>
          <iwmo:Huis><iwmo:Huisnummer>1</iwmo:Huisnummer></iwmo:Huis>
          <iwmo:Postcode>9991AB</iwmo:Postcode>
          <iwmo:Plaatsnaam>Wijkstad</iwmo:Plaatsnaam>
        </wmo301:Adres>
      </wmo301:Contact>
    </wmo301:Contactgegevens>
    <wmo301:ToegewezenProducten>
{"".join(products)}
    </wmo301:ToegewezenProducten>
  </wmo301:Client>
</wmo301:Bericht>
""".encode()


def product(
    number: str = "101",
    category: str = "02",
    start: str = "2025-03-01",
    end: str | None = "2025-08-31",
    extra: str = "",
) -> str:
    end_element = f"<wmo301:Einddatum>{end}</wmo301:Einddatum>" if end else ""
    return f"""      <wmo301:ToegewezenProduct>
        <wmo301:ToewijzingNummer>{number}</wmo301:ToewijzingNummer>
        <wmo301:Product><iwmo:Categorie>{category}</iwmo:Categorie><iwmo:Code>02A01</iwmo:Code></wmo301:Product>
        <wmo301:Toewijzingsdatum>2025-02-20</wmo301:Toewijzingsdatum>
        <wmo301:Toewijzingstijd>10:00:00</wmo301:Toewijzingstijd>
        <wmo301:Ingangsdatum>{start}</wmo301:Ingangsdatum>
        {end_element}{extra}
        <wmo301:Omvang><iwmo:Volume>3</iwmo:Volume><iwmo:Eenheid>04</iwmo:Eenheid><iwmo:Frequentie>2</iwmo:Frequentie></wmo301:Omvang>
      </wmo301:ToegewezenProduct>
"""
