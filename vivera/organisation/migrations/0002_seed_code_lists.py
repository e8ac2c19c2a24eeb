"""Seed the code lists with the values the domain starts from. An administrator keeps them
afterwards (add, rename, deactivate); codes are stable and used by imports and exports."""

from django.db import migrations

# The 13 life domains of the Zelfredzaamheid-Matrix 2017 (GGD Amsterdam): names only.
ZRM_DOMAINS = [
    ("financien", "Financiën"),
    ("werk-opleiding", "Werk & opleiding"),
    ("tijdsbesteding", "Tijdsbesteding"),
    ("huisvesting", "Huisvesting"),
    ("huiselijke-relaties", "Huiselijke relaties"),
    ("geestelijke-gezondheid", "Geestelijke gezondheid"),
    ("lichamelijke-gezondheid", "Lichamelijke gezondheid"),
    ("middelengebruik", "Middelengebruik"),
    ("basale-adl", "Basale ADL"),
    ("instrumentele-adl", "Instrumentele ADL"),
    ("sociaal-netwerk", "Sociaal netwerk"),
    ("maatschappelijke-participatie", "Maatschappelijke participatie"),
    ("justitie", "Justitie"),
]
OTHER_DOMAINS = [("opvoeding", "Opvoeding en gezin"), ("overig", "Overig")]

REFERRERS = [
    ("zelf", "Zelf (inwoner)", "self"),
    ("netwerk", "Familie of netwerk", "self"),
    ("huisarts", "Huisarts", "partner"),
    ("woningcorporatie", "Woningcorporatie", "partner"),
    ("politie", "Politie", "partner"),
    ("sdd", "Sociale dienst (SDD)", "partner"),
    ("veilig-thuis", "Veilig Thuis", "partner"),
    ("mee", "MEE", "partner"),
    ("wijkverpleging", "Wijkverpleging", "partner"),
    ("school", "School of jeugdhulp", "partner"),
    ("overige-partner", "Overige partner", "partner"),
    ("vroegsignaal", "Vroegsignaal (betalingsachterstand)", "signal"),
    ("outreach", "Eigen outreach van het team", "outreach"),
]

OUTCOMES = [
    ("opgelost-team", "Opgelost door het team", "team"),
    ("buurthuis", "Verwezen: buurthuis of welzijnsactiviteit", "general"),
    ("vrijwilliger", "Verwezen: vrijwilliger", "general"),
    ("mantelzorgondersteuning", "Verwezen: mantelzorgondersteuning", "general"),
    ("schuldhulpmaatje", "Verwezen: schuldhulpmaatje of formulierenhulp", "general"),
    ("algemene-voorziening", "Verwezen: andere algemene voorziening", "general"),
    ("maatwerk-sdd", "Maatwerkvoorziening via de SDD", "customised"),
    ("specialistisch", "Warme overdracht naar specialistische zorg", "specialist"),
    ("ingetrokken", "Ingetrokken of geen hulp meer nodig", "withdrawn"),
]

CONTACT_KINDS = [
    ("huisbezoek", "Huisbezoek", True),
    ("kantoor", "Gesprek op kantoor", True),
    ("inloop", "Inloopspreekuur", True),
    ("telefoon", "Telefoon", False),
    ("email", "E-mail", False),
    ("video", "Videobellen", False),
    ("overleg", "Overleg met partner", False),
]


def seed(apps, schema_editor):
    LifeDomain = apps.get_model("organisation", "LifeDomain")
    Referrer = apps.get_model("organisation", "Referrer")
    Outcome = apps.get_model("organisation", "Outcome")
    ContactKind = apps.get_model("organisation", "ContactKind")
    for order, (code, name) in enumerate(ZRM_DOMAINS, start=1):
        LifeDomain.objects.get_or_create(code=code, defaults={"name": name, "order": order,
                                                              "in_zrm": True})
    for order, (code, name) in enumerate(OTHER_DOMAINS, start=50):
        LifeDomain.objects.get_or_create(code=code, defaults={"name": name, "order": order})
    for order, (code, name, kind) in enumerate(REFERRERS, start=1):
        Referrer.objects.get_or_create(code=code, defaults={"name": name, "order": order,
                                                            "kind": kind})
    for order, (code, name, kind) in enumerate(OUTCOMES, start=1):
        Outcome.objects.get_or_create(code=code, defaults={"name": name, "order": order,
                                                           "kind": kind})
    for order, (code, name, f2f) in enumerate(CONTACT_KINDS, start=1):
        ContactKind.objects.get_or_create(code=code, defaults={"name": name, "order": order,
                                                               "face_to_face": f2f})


class Migration(migrations.Migration):
    dependencies = [("organisation", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
