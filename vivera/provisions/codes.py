"""The iWmo code lists Vivera reads (iStandaarden, Zorginstituut Nederland, iWmo release 3.2):
product category (WMO020), unit (WJ756), frequency (WMO757), reason for ending (WMO588) and
reason for a change of an allocation (WMO002). The codes are the standard's; the labels are
ours, translated to the Dutch names of the lists."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

# The message this app reads: WMO301 (allocation, Vektis message code 414), iWmo 3.2.
MESSAGE_CODE = "414"
MESSAGE_VERSION = ("3", "2")
NAMESPACE = "http://www.istandaarden.nl/iwmo/3_2/wmo301/schema"
BASE_NAMESPACE = "http://www.istandaarden.nl/iwmo/3_2/basisschema/schema"


class Category(models.TextChoices):
    """WMO020 Productcategorie. An allocation without a product is a generic one (the
    standard allows it): its category is empty."""

    HOUSEHOLD_HELP = "01", _("Household help")
    SUPPORT = "02", _("Support (begeleiding)")
    PERSONAL_CARE = "03", _("Personal care")
    SHORT_STAY = "04", _("Short stay")
    HOUSING_SERVICES = "05", _("Housing services")
    OTHER_INDIVIDUAL = "06", _("Other individual or household support")
    DAY_ACTIVITIES = "07", _("Day activities (dagbesteding)")
    TRANSPORT_SERVICES = "08", _("Transport services")
    OTHER_GROUP = "09", _("Other group support")
    OTHER_CUSTOMISED = "10", _("Other customised arrangements")
    WHEELCHAIRS = "11", _("Wheelchairs")
    TRANSPORT_AIDS = "12", _("Transport aids")
    HOUSING_ADAPTATIONS = "13", _("Housing adaptations")
    OTHER_AIDS = "14", _("Other aids")
    SHELTERED_HOUSING = "15", _("Sheltered housing (beschermd wonen)")
    SHELTER = "16", _("Shelter (opvang)")
    EMERGENCY_SHELTER = "17", _("Emergency shelter")
    OTHER_SHELTERED = "18", _("Other sheltered housing and shelter")


GENERIC = ""  # the category of a generic allocation (no product)
GENERIC_LABEL = _("Generic allocation (no product category)")


class Unit(models.TextChoices):
    """WJ756 Eenheid."""

    MINUTE = "01", _("minute")
    HOUR = "04", _("hour")
    DAY_AND_NIGHT = "14", _("24 hours")
    PART_OF_DAY = "16", _("part of day (4 hours)")
    PIECES_OUTPUT = "82", _("pieces (output)")
    EUROS = "83", _("euros")
    PIECES_EFFORT = "84", _("pieces (effort)")


class Frequency(models.TextChoices):
    """WMO757 Frequentie."""

    PER_DAY = "1", _("per day")
    PER_WEEK = "2", _("per week")
    PER_MONTH = "4", _("per month")
    TOTAL = "6", _("in total over the allocation")


class EndReason(models.TextChoices):
    """WMO588 Reden beëindiging."""

    DEATH = "02", _("Death")
    AS_PLANNED = "19", _("Ended according to plan")
    TEMPORARILY = "20", _("Ended temporarily")
    BY_CLIENT = "21", _("Ended by the client")
    BY_PROVIDER = "22", _("Ended by the provider")
    BY_AGREEMENT = "23", _("Ended early by agreement")
    MOVED = "31", _("Moved to another municipality")
    BY_MUNICIPALITY = "36", _("Initiated by the municipality")
    CHANGE_REQUEST = "37", _("Because of a change request")
    OTHER_PROVIDER = "38", _("Switch to another provider")
    OTHER_DOMAIN = "39", _("Moved to another domain (Wlz, Zvw)")


class ChangeReason(models.TextChoices):
    """WMO002 Reden wijziging toewijzing (in the WMO301 message)."""

    CORRECTION_OLD = "01", _("Administrative correction (no longer used)")
    DEATH = "02", _("Client died")
    CONTRACT = "03", _("Change of contract")
    EXTENDED = "04", _("Reassessment: allocation extended")
    SHORTENED = "05", _("Reassessment: allocation shortened")
    OTHER_DOMAIN = "06", _("Moved to another domain")
    MOVED = "07", _("Moved to another municipality")
    PERSONAL_BUDGET = "08", _("Change to a personal budget")
    OTHER_PROVIDER = "09", _("Switch to another provider")
    FUNDING = "10", _("Change of funding system")
    REORGANISATION = "11", _("Municipal reorganisation")
    BY_PROVIDER = "12", _("Initiated by the provider")
    REMOVED = "13", _("Removed")
    CORRECTION = "14", _("Administrative correction")


def category_label(code: str) -> str:
    if code == GENERIC:
        return str(GENERIC_LABEL)
    return f"{code} {Category(code).label}"
