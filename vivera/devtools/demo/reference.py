"""The fixed, fictional facts of the demo municipality Zwijnwaard (≈ 45,000 residents).

Everything here is invented: the municipality, its neighbourhoods, locations, partners, staff and
the name lists clients are drawn from. The codes are chosen so they cannot be mistaken for real
ones where possible: CBS code GM9901 and wijk codes WK9901xx are not in use, and BSNs come from the
9999xxxxx range that Dutch government test environments use for fictitious persons.
"""

from __future__ import annotations

import base64
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from vivera.accounts.models import Role
from vivera.organisation.models import PartnerKind, PartOfDay, Specialism

MUNICIPALITY_NAME = "Zwijnwaard"
MUNICIPALITY_CBS_CODE = "GM9901"
RESIDENTS = 45_000  # documentation only: the model has no population field

# One password for every demo account, printed by `vivera demo_logins`. It is public, which is
# why `vivera demo` refuses to run on a production installation.
DEMO_PASSWORD = "vivera-demo-2026"

# The period the evaluation study covered, in the study's own calendar. Every date in this module
# is in that calendar: the demo moves the whole story by whole years so that it ends on the
# 31 December before the day it is loaded, and continues it up to that day at the volumes of its
# last year (`planning.Timeline`).
HISTORY_START = dt.date(2015, 11, 1)
HISTORY_END = dt.date(2017, 12, 31)
TEAMS_FORMED = dt.date(2015, 9, 1)
CAPACITY_APRIL_2016 = dt.date(2016, 4, 1)
CAPACITY_NOVEMBER_2016 = dt.date(2016, 11, 1)


@dataclass(frozen=True)
class Wijk:
    number: str  # the last two digits of the CBS wijk code
    name: str
    team: str
    residents: int
    # Relative need for help per resident; older, poorer wijken ask more of the team.
    need: float
    postcodes: tuple[str, ...]

    @property
    def cbs_code(self) -> str:
        return f"WK{MUNICIPALITY_CBS_CODE[2:]}{self.number}"


def _postcodes(first: int, count: int) -> tuple[str, ...]:
    return tuple(str(first + i) for i in range(count))


# 4-digit postcode areas 9901–9942, 5–8 per wijk. Residents add up to 45,000; Oost gets ≈ 54 %
# of the demand, which the capacity model in planning.py is calibrated on.
WIJKEN: tuple[Wijk, ...] = (
    Wijk("01", "Centrum", "Oost", 7_800, 1.0, _postcodes(9901, 6)),
    Wijk("02", "Oude Haven", "Oost", 5_600, 1.4, _postcodes(9907, 5)),
    Wijk("03", "Molenwijk", "Oost", 6_900, 1.0, _postcodes(9912, 6)),
    Wijk("04", "Noorderpolder", "Oost", 4_200, 0.6, _postcodes(9918, 5)),
    Wijk("05", "De Vliet", "West", 8_100, 1.3, _postcodes(9923, 8)),
    Wijk("06", "Westerhout", "West", 6_400, 0.8, _postcodes(9931, 6)),
    Wijk("07", "Rietvelden", "West", 6_000, 0.9, _postcodes(9937, 6)),
)
TEAMS = ("Oost", "West")

MORNING, AFTERNOON, EVENING = PartOfDay.MORNING, PartOfDay.AFTERNOON, PartOfDay.EVENING


@dataclass(frozen=True)
class Slot:
    """A weekly consultation hour; `until` is None while it still runs."""

    weekday: int
    part_of_day: str
    since: dt.date = dt.date(2015, 11, 2)
    until: dt.date | None = None


@dataclass(frozen=True)
class Walkin:
    name: str
    wijk: str
    team: str
    address: str
    # Mean walk-in visitors per consultation hour: one very busy location, some very quiet.
    visitors: float
    slots: tuple[Slot, ...]


LOCATIONS: tuple[Walkin, ...] = (
    Walkin(
        "Wijkcentrum De Schakel",
        "01",
        "Oost",
        "Marktstraat 4",
        8.0,
        (
            Slot(0, MORNING),
            Slot(1, MORNING),
            Slot(2, MORNING),
            Slot(3, MORNING),
            Slot(4, MORNING),
            Slot(1, AFTERNOON),
            Slot(3, AFTERNOON),
        ),
    ),
    Walkin(
        "Bibliotheek Zwijnwaard",
        "01",
        "Oost",
        "Kerkplein 2",
        2.5,
        (
            Slot(2, AFTERNOON),
            Slot(4, AFTERNOON),
            # The evening hour drew almost nobody and was stopped after 2016.
            Slot(1, EVENING, until=dt.date(2016, 12, 31)),
        ),
    ),
    Walkin(
        "Buurthuis De Molen",
        "03",
        "Oost",
        "Molenweg 18",
        3.0,
        (
            Slot(0, AFTERNOON),
            Slot(3, MORNING),
        ),
    ),
    Walkin("Dorpshuis Noorderpolder", "04", "Oost", "Polderweg 1", 1.2, (Slot(2, MORNING),)),
    Walkin(
        "Wijkcentrum Het Anker",
        "05",
        "West",
        "Vlietkade 30",
        5.0,
        (
            Slot(0, MORNING),
            Slot(2, MORNING),
            Slot(4, MORNING),
            Slot(1, AFTERNOON),
            # Added with the capacity of November 2016 ("room for outreach").
            Slot(3, EVENING, since=dt.date(2016, 11, 7)),
        ),
    ),
    Walkin("Gezondheidscentrum Westerhout", "06", "West", "Houtlaan 7", 1.0, (Slot(3, AFTERNOON),)),
    Walkin(
        "Ontmoetingspunt Rietvelden",
        "07",
        "West",
        "Rietgors 12",
        0.6,
        (Slot(1, MORNING, since=dt.date(2016, 9, 6)),),
    ),
)

PARTNERS: tuple[tuple[str, str], ...] = (
    ("Zwijnwaard Wonen", PartnerKind.HOUSING),
    ("Rivierstede Wonen", PartnerKind.HOUSING),
    ("Politie basisteam Waardstreek", PartnerKind.POLICE),
    ("Huisartsenpraktijk De Linde", PartnerKind.GP),
    ("Huisartsen Westerhout", PartnerKind.GP),
    ("Sociale Dienst Waardstreek (SDD)", PartnerKind.SDD),
    ("Veilig Thuis Waardstreek", PartnerKind.VEILIG_THUIS),
    ("MEE Waardstreek", PartnerKind.MEE),
    ("Stichting Welzijn Zwijnwaard", PartnerKind.WELFARE),
    ("GGZ Waardstreek", PartnerKind.OTHER),
    ("Energie Noordstroom", PartnerKind.ENERGY),
    ("Waterbedrijf Waardwater", PartnerKind.WATER),
    ("Zorgverzekeraar Zuidwaard", PartnerKind.HEALTH_INSURER),
)
# The demo's authenticator key (public, like the demo password): type it into an authenticator
# app, or ask `vivera demo_code` for the current code. Never a fixed key outside the demo.
DEMO_TOTP_KEY_BASE32 = "DEMO234567ZWIJNWAARD2345"
DEMO_TOTP_KEY_HEX = base64.b32decode(DEMO_TOTP_KEY_BASE32).hex()
PARTNER_USER_ORG = "Zwijnwaard Wonen"
SDD = "Sociale Dienst Waardstreek (SDD)"
WELFARE = "Stichting Welzijn Zwijnwaard"


@dataclass(frozen=True)
class Person:
    """A demo account and, for team members, its one membership."""

    username: str
    first_name: str
    last_name: str
    role: str
    team: str | None = None
    specialism: str | None = None
    fte: Decimal | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    partner: str | None = None

    @property
    def casework(self) -> bool:
        """Carries dossiers: counts for the team's capacity and may be case director."""
        return self.role == Role.PROFESSIONAL


def _pro(
    username: str,
    first: str,
    last: str,
    team: str,
    specialism: str,
    fte: str,
    start: dt.date = TEAMS_FORMED,
    end: dt.date | None = None,
) -> Person:
    return Person(
        username, first, last, Role.PROFESSIONAL, team, specialism, Decimal(fte), start, end
    )


APRIL, NOVEMBER = CAPACITY_APRIL_2016, CAPACITY_NOVEMBER_2016

# The usernames that matter for a demo come first; `demo_logins` keeps this order.
PEOPLE: tuple[Person, ...] = (
    _pro("professional", "Sanne", "de Vries", "Oost", Specialism.AMW, "0.89"),
    _pro("professional.west", "Thomas", "van Dijk", "West", Specialism.AMW, "0.89"),
    Person(
        "coordinator",
        "Marieke",
        "Jansen",
        Role.COORDINATOR,
        "Oost",
        Specialism.COORDINATION,
        Decimal("0.89"),
        TEAMS_FORMED,
    ),
    Person(
        "coordinator.west",
        "Peter",
        "Bos",
        Role.COORDINATOR,
        "West",
        Specialism.COORDINATION,
        Decimal("0.78"),
        TEAMS_FORMED,
    ),
    Person("beleid", "Ellen", "Verhoeven", Role.POLICY),
    Person("beheer", "Gerrit", "Postma", Role.ADMIN),
    Person("partner", "Karin", "Wolters", Role.PARTNER, partner=PARTNER_USER_ORG),
    Person("onderzoeker", "Hanna", "Brouwer", Role.RESEARCHER),
    Person(
        "mantelzorg",
        "Ilse",
        "de Boer",
        Role.CARER_CONSULTANT,
        partner="Stichting Welzijn Zwijnwaard",
    ),
    # Team Oost: 4.01 fte casework at the start, +0.50 in April 2016, +2.00 in November 2016.
    _pro("m.elamrani", "Mohamed", "El Amrani", "Oost", Specialism.MENTAL_HEALTH, "0.78"),
    _pro("i.bakker", "Ingrid", "Bakker", "Oost", Specialism.DISTRICT_NURSE, "0.67"),
    _pro(
        "k.visser",
        "Kees",
        "Visser",
        "Oost",
        Specialism.ELDERLY_ADVISOR,
        "0.78",
        end=dt.date(2017, 6, 30),
    ),
    _pro("f.yilmaz", "Fatma", "Yılmaz", "Oost", Specialism.CLIENT_SUPPORT, "0.89"),
    _pro("a.smit", "Anouk", "Smit", "Oost", Specialism.CARER_CONSULTANT, "0.50", APRIL),
    _pro("p.ramdin", "Priya", "Ramdin", "Oost", Specialism.YOUTH, "0.89", NOVEMBER),
    _pro("j.hendriks", "Jeroen", "Hendriks", "Oost", Specialism.AMW, "0.67", NOVEMBER),
    _pro("l.deboer", "Lotte", "de Boer", "Oost", Specialism.MENTAL_HEALTH, "0.44", NOVEMBER),
    # Kees Visser retired; his successor keeps the formation at the same size.
    _pro(
        "w.kok", "Willemijn", "Kok", "Oost", Specialism.ELDERLY_ADVISOR, "0.78", dt.date(2017, 7, 1)
    ),
    # Team West: 3.34 fte casework at the start, +0.44 in April 2016, +1.78 in November 2016.
    _pro("e.meijer", "Esther", "Meijer", "West", Specialism.DISTRICT_NURSE, "0.67"),
    _pro("h.demir", "Hatice", "Demir", "West", Specialism.CLIENT_SUPPORT, "0.78"),
    _pro("b.degroot", "Bram", "de Groot", "West", Specialism.MENTAL_HEALTH, "0.56"),
    _pro("j.vanleeuwen", "Joke", "van Leeuwen", "West", Specialism.ELDERLY_ADVISOR, "0.44"),
    _pro("n.hoekstra", "Noor", "Hoekstra", "West", Specialism.AMW, "0.44", APRIL),
    _pro("d.vermeulen", "Daan", "Vermeulen", "West", Specialism.AMW, "0.89", NOVEMBER),
    _pro("s.kaya", "Sevda", "Kaya", "West", Specialism.CARER_CONSULTANT, "0.89", NOVEMBER),
)

# The expected effects each intervention carries, as the monitor reads them (before/after).
INTERVENTION_EFFECTS: dict[dt.date, tuple[str, ...]] = {
    APRIL: ("fewer_waiting", "more_outreach", "less_heavier_care"),
    NOVEMBER: (
        "fewer_waiting",
        "shorter_wait",
        "lower_caseload",
        "more_outreach",
        "less_heavier_care",
    ),
}

# Name and assumptions; "{year}" is the year of the intervention in the demo's calendar.
INTERVENTIONS: tuple[tuple[dt.date, str, str], ...] = (
    (
        APRIL,
        "Capaciteitsuitbreiding voorjaar {year}",
        "Met een extra mantelzorgconsulent (Oost) en maatschappelijk werker (West):\n"
        "- wachtlijsten worden voorkomen;\n"
        "- er komt ruimte voor outreachend en preventief werken;\n"
        "- door eerder en lichter te helpen is minder zwaardere zorg nodig.",
    ),
    (
        NOVEMBER,
        "Capaciteitsuitbreiding november {year}",
        "Vijf extra professionals na de wachtlijst van de zomer van {year}:\n"
        "- de wachtlijst verdwijnt en ontstaat niet opnieuw;\n"
        "- er komt ruimte voor outreach (extra avondspreekuur, vroegsignalering);\n"
        "- minder verwijzingen naar maatwerk en specialistische zorg.",
    ),
)

# New dossiers per month at scale 1.0 (Nov 2015 … Dec 2017, 26 months, ≈ 1,700 in all): growth
# through 2016, a summer and a Christmas dip. The generator adds ±6 % noise.
MONTHLY_DOSSIERS: tuple[int, ...] = (
    42,
    41,  # 2015: Nov, Dec
    46,
    48,
    52,
    57,
    64,
    75,
    74,
    72,
    85,
    83,
    79,
    64,  # 2016
    70,
    68,
    74,
    66,
    70,
    72,
    59,
    57,
    74,
    75,
    74,
    57,  # 2017
)
# After the history (up to today) every month gets the volume of its month in 2017: the steady
# state once the November 2016 capacity had emptied the waiting list.
STEADY_MONTHLY_DOSSIERS: tuple[int, ...] = MONTHLY_DOSSIERS[-12:]

# --- Client names, per background so first and last names go together ---------------------

DUTCH_FEMALE_OLD = (
    "Johanna",
    "Cornelia",
    "Wilhelmina",
    "Hendrika",
    "Geertruida",
    "Elisabeth",
    "Margaretha",
    "Maria",
    "Annie",
    "Riet",
    "Truus",
    "Gerda",
    "Ria",
    "Jannie",
)
DUTCH_FEMALE_MID = (
    "Ineke",
    "Marja",
    "Monique",
    "Sandra",
    "Linda",
    "Petra",
    "Esther",
    "Wendy",
    "Miranda",
    "Marieke",
    "Anja",
    "Yvonne",
    "Angela",
    "Karin",
)
DUTCH_FEMALE_YOUNG = (
    "Anna",
    "Emma",
    "Sophie",
    "Julia",
    "Lisa",
    "Sanne",
    "Eva",
    "Fleur",
    "Lotte",
    "Noor",
    "Kim",
    "Naomi",
    "Demi",
    "Britt",
    "Romy",
)
DUTCH_MALE_OLD = (
    "Jan",
    "Piet",
    "Kees",
    "Henk",
    "Gerrit",
    "Johannes",
    "Cornelis",
    "Hendrik",
    "Willem",
    "Klaas",
    "Dirk",
    "Bert",
    "Wim",
    "Ton",
)
DUTCH_MALE_MID = (
    "Hans",
    "Peter",
    "Mark",
    "Erik",
    "Marco",
    "Dennis",
    "Patrick",
    "Sander",
    "Ronald",
    "Martin",
    "Richard",
    "Edwin",
    "Arjan",
    "Frank",
)
DUTCH_MALE_YOUNG = (
    "Bas",
    "Thijs",
    "Tim",
    "Daan",
    "Lucas",
    "Sem",
    "Milan",
    "Luuk",
    "Jesse",
    "Ruben",
    "Niels",
    "Kevin",
    "Stijn",
    "Jeroen",
)
DUTCH_SURNAMES: tuple[tuple[str, str], ...] = (
    ("", "Jansen"),
    ("de", "Vries"),
    ("van den", "Berg"),
    ("van", "Dijk"),
    ("", "Bakker"),
    ("", "Janssen"),
    ("", "Visser"),
    ("", "Smit"),
    ("", "Meijer"),
    ("de", "Boer"),
    ("", "Mulder"),
    ("de", "Groot"),
    ("", "Bos"),
    ("", "Vos"),
    ("", "Peters"),
    ("", "Hendriks"),
    ("van", "Leeuwen"),
    ("", "Dekker"),
    ("", "Brouwer"),
    ("de", "Wit"),
    ("", "Dijkstra"),
    ("", "Smits"),
    ("de", "Graaf"),
    ("van der", "Meer"),
    ("van der", "Linden"),
    ("", "Kok"),
    ("", "Jacobs"),
    ("de", "Haan"),
    ("", "Vermeulen"),
    ("van den", "Heuvel"),
    ("van der", "Veen"),
    ("van den", "Broek"),
    ("de", "Bruijn"),
    ("de", "Jong"),
    ("van der", "Heijden"),
    ("", "Schouten"),
    ("van", "Beek"),
    ("", "Willems"),
    ("van", "Vliet"),
    ("", "Hoekstra"),
    ("", "Maas"),
    ("", "Verhoeven"),
    ("", "Koster"),
    ("van", "Dam"),
    ("van der", "Wal"),
    ("", "Prins"),
    ("", "Blom"),
    ("", "Huisman"),
    ("", "Postma"),
    ("", "Kuipers"),
    ("van", "Wijk"),
    ("", "Timmermans"),
    ("", "Groen"),
    ("", "Gerritsen"),
    ("", "Boersma"),
    ("", "Kramer"),
    ("van der", "Laan"),
    ("", "Molenaar"),
    ("", "Kuiper"),
    ("", "Veenstra"),
    ("", "Koning"),
    ("", "Martens"),
    ("van", "Rijn"),
    ("", "Wouters"),
    ("", "Verbeek"),
    ("", "Hermans"),
    ("", "Claassen"),
    ("", "Bosman"),
    ("van", "Doorn"),
    ("", "Lambregts"),
    ("", "Sterk"),
    ("den", "Hartog"),
    ("", "Schipper"),
    ("", "Drost"),
)


@dataclass(frozen=True)
class Background:
    weight: float
    female: tuple[str, ...]
    male: tuple[str, ...]
    surnames: tuple[tuple[str, str], ...]


OTHER_BACKGROUNDS: tuple[Background, ...] = (
    Background(
        0.08,
        ("Fatima", "Khadija", "Samira", "Aicha", "Yasmina", "Naima", "Latifa", "Houda"),
        ("Mohamed", "Ahmed", "Youssef", "Said", "Karim", "Mustafa", "Hamid", "Rachid"),
        (
            ("", "El Amrani"),
            ("", "Bouzid"),
            ("", "Benali"),
            ("", "Ouali"),
            ("", "El Idrissi"),
            ("", "Azzouzi"),
            ("", "Boukhari"),
            ("", "Chaouch"),
        ),
    ),
    Background(
        0.07,
        ("Ayşe", "Elif", "Zeynep", "Merve", "Emine", "Hatice", "Fatma", "Büşra"),
        ("Mehmet", "Emre", "Murat", "Ali", "Hasan", "Hüseyin", "Osman", "Burak"),
        (
            ("", "Yılmaz"),
            ("", "Kaya"),
            ("", "Demir"),
            ("", "Şahin"),
            ("", "Çelik"),
            ("", "Öztürk"),
            ("", "Aydın"),
            ("", "Arslan"),
        ),
    ),
    Background(
        0.06,
        ("Priya", "Shanti", "Sharda", "Grace", "Joyce", "Sunita", "Anjali", "Sandhya"),
        ("Rajesh", "Ravi", "Anand", "Rodney", "Sharif", "Dinesh", "Errol", "Romano"),
        (
            ("", "Ramdin"),
            ("", "Ramsaran"),
            ("", "Sewnath"),
            ("", "Pinas"),
            ("", "Biharie"),
            ("", "Jagesar"),
            ("", "Kromodikoro"),
            ("", "Dwarka"),
        ),
    ),
    Background(
        0.05,
        ("Agnieszka", "Joanna", "Olena", "Katarzyna", "Iryna", "Magdalena", "Anna"),
        ("Marek", "Piotr", "Andriy", "Tomasz", "Pawel", "Serhiy", "Krzysztof"),
        (
            ("", "Kowalski"),
            ("", "Nowak"),
            ("", "Kovalenko"),
            ("", "Wiśniewski"),
            ("", "Shevchenko"),
            ("", "Lewandowski"),
            ("", "Zielinski"),
        ),
    ),
)

# Life domains by code with their weight as a question's domain (financiën ≈ a third).
QUESTION_DOMAINS: tuple[tuple[str, int], ...] = (
    ("financien", 33),
    ("huisvesting", 9),
    ("werk-opleiding", 5),
    ("tijdsbesteding", 3),
    ("huiselijke-relaties", 8),
    ("geestelijke-gezondheid", 10),
    ("lichamelijke-gezondheid", 6),
    ("middelengebruik", 3),
    ("basale-adl", 2),
    ("instrumentele-adl", 5),
    ("sociaal-netwerk", 6),
    ("maatschappelijke-participatie", 3),
    ("justitie", 1),
    ("opvoeding", 4),
    ("overig", 2),
)
ELDERLY_DOMAINS = frozenset(
    {"lichamelijke-gezondheid", "basale-adl", "instrumentele-adl", "sociaal-netwerk"}
)

QUESTION_TEXTS: dict[str, tuple[str, ...]] = {
    "financien": (
        "Huurachterstand",
        "Hulp bij formulieren en toeslagen",
        "Schulden en aanmaningen",
        "Rondkomen met een laag inkomen",
        "Energierekening kan niet betaald worden",
    ),
    "huisvesting": (
        "Dreigende huisuitzetting",
        "Woning past niet meer bij de beperkingen",
        "Overlast van buren",
        "Zoekt andere woonruimte",
    ),
    "werk-opleiding": ("Ontslagen, zoekt werk", "Wil weer aan het werk na ziekte"),
    "tijdsbesteding": ("Zoekt zinvolle dagbesteding", "Verveling sinds pensioen"),
    "huiselijke-relaties": (
        "Spanningen thuis",
        "Scheiding en omgang met de kinderen",
        "Zorgen over huiselijk geweld",
    ),
    "geestelijke-gezondheid": (
        "Somberheid en eenzaamheid",
        "Spanning en overbelasting",
        "Verward gedrag, zorgen van de buren",
    ),
    "lichamelijke-gezondheid": ("Na ziekenhuisopname weer thuis", "Chronische pijn, weinig hulp"),
    "middelengebruik": ("Alcoholgebruik loopt uit de hand", "Zorgen over drugsgebruik zoon"),
    "basale-adl": ("Hulp bij wassen en aankleden", "Valt vaak, redt zich niet meer"),
    "instrumentele-adl": ("Hulp bij het huishouden", "Boodschappen lukken niet meer"),
    "sociaal-netwerk": ("Eenzaam, weinig contacten", "Mantelzorger is overbelast"),
    "maatschappelijke-participatie": ("Wil vrijwilligerswerk doen", "Komt de deur niet uit"),
    "justitie": ("Net uit detentie, zoekt begeleiding",),
    "opvoeding": ("Opvoedvragen over puber", "Zorgen over schoolverzuim"),
    "overig": ("Vraag over de Wmo-aanvraag",),
}

OUTREACH_TEXTS: dict[str, tuple[str, ...]] = {
    "network": (
        "Overleg buurtnetwerk",
        "Netwerkoverleg met huisartsen en wijkagent",
        "Overleg met de woningcorporatie over zorgen in de wijk",
    ),
    "collective": (
        "Koffieochtend voor ouderen",
        "Budgetcursus ‘Rondkomen’",
        "Lotgenotengroep mantelzorgers",
        "Taalcafé in het buurthuis",
    ),
    "event": (
        "Aanwezig op de braderie",
        "Informatiemarkt zorg en welzijn",
        "Stand op de open dag van het wijkcentrum",
    ),
    "prevention": (
        "Huisbezoeken bij 75-plussers",
        "Voorlichting vroegsignalering schulden",
        "Voorlichting op school over opvoeden",
    ),
    "other": ("Wijkschouw met gemeente en politie", "Kennismaking met nieuwe partners"),
}
