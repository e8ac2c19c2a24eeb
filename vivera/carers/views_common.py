"""A form's cleaned data as the services' typed fields (a form's token never reaches a service)."""

from __future__ import annotations

from typing import Any

from .services import CarerFields, ContactFields, RelationFields


def carer_fields(data: dict[str, Any]) -> CarerFields:
    return {
        "first_name": data.get("first_name") or "",
        "last_name": data.get("last_name") or "",
        "birth_date": data.get("birth_date"),
        "email": data.get("email") or "",
        "phone": data.get("phone") or "",
        "postcode": data.get("postcode") or "",
        "house_number": data.get("house_number") or "",
        "is_working": bool(data.get("is_working")),
        "contact_consent": bool(data.get("contact_consent")),
        "contact_purposes": data.get("contact_purposes") or [],
    }


def contact_fields(data: dict[str, Any]) -> ContactFields:
    return {
        "phone": data.get("phone") or "",
        "postcode": data.get("postcode") or "",
        "house_number": data.get("house_number") or "",
        "is_working": bool(data.get("is_working")),
        "contact_consent": bool(data.get("contact_consent")),
        "contact_purposes": data.get("contact_purposes") or [],
    }


def relation_fields(data: dict[str, Any]) -> RelationFields:
    return {
        "cared_for_name": data.get("cared_for_name") or "",
        "cared_for_postcode": data.get("cared_for_postcode") or "",
        "relation": data.get("relation") or "",
        "care_kinds": data.get("care_kinds") or [],
        "hours_per_week": data.get("hours_per_week"),
        "since": data.get("since"),
        "dementia": bool(data.get("dementia")),
    }
