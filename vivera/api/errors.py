"""One shape for every API refusal: a 4xx with a machine-readable `code`, a Dutch `message` and,
for bad input, one entry per field in `errors`:

    {"code": "invalid", "message": "De invoer klopt niet; zie errors.",
     "errors": [{"field": "bsn", "code": "invalid_bsn", "message": "Dit is geen geldig BSN: …"}]}

Django's own ValidationError (raised by the services) becomes a 400 in the same shape, so a rule
the service enforces reads the same as one the serializer enforces.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from vivera.audit.services import log_refused_page


class FieldErrorSerializer(serializers.Serializer):
    field = serializers.CharField(help_text="Het veld; `non_field_errors` voor het geheel.")
    code = serializers.CharField()
    message = serializers.CharField()


class ErrorSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Machineleesbare reden, bijvoorbeeld `invalid`.")
    message = serializers.CharField(help_text="De reden in het Nederlands.")
    # Hides BaseSerializer.errors to the type checker only: the serializer's metaclass takes
    # declared fields off the class.
    errors = FieldErrorSerializer(many=True)  # type: ignore[assignment]


def _flatten(detail: Any, field: str = "non_field_errors") -> list[dict[str, str]]:
    if isinstance(detail, dict):
        out: list[dict[str, str]] = []
        for key, value in detail.items():
            name = key if field == "non_field_errors" else f"{field}.{key}"
            out.extend(_flatten(value, name))
        return out
    if isinstance(detail, list):
        out = []
        for index, value in enumerate(detail):
            if isinstance(value, dict | list):
                out.extend(_flatten(value, f"{field}.{index}"))
            else:
                out.extend(_flatten(value, field))
        return out
    return [
        {"field": field, "code": getattr(detail, "code", None) or "invalid", "message": str(detail)}
    ]


def _from_django(exc: DjangoValidationError) -> exceptions.ValidationError:
    detail: dict[str, list[serializers.ErrorDetail]] | list[serializers.ErrorDetail]
    if hasattr(exc, "error_dict"):
        detail = {
            (api_settings.NON_FIELD_ERRORS_KEY if field == NON_FIELD_ERRORS else field): [
                serializers.ErrorDetail(message, code=error.code or "invalid")
                for error in errors
                for message in error.messages
            ]
            for field, errors in exc.error_dict.items()
        }
    else:
        detail = [
            serializers.ErrorDetail(message, code=error.code or "invalid")
            for error in exc.error_list
            for message in error.messages
        ]
    return exceptions.ValidationError(detail)


# Messages of Django REST framework that its own Dutch catalogue leaves untranslated; listed here
# so `makemessages` keeps them in ours, which Django reads first (LOCALE_PATHS).
DRF_MESSAGES = (
    gettext_noop("Must be a valid boolean."),
    gettext_noop("Must be a valid UUID."),
    gettext_noop("Not a valid string."),
    gettext_noop("Surrogate characters are not allowed: U+{code_point:X}."),
)


def _log_refusal(exc: exceptions.APIException, context: dict[str, Any]) -> None:
    """A refused API call in the access log: bad credentials (a wrong key or password: the
    reason only, never what was sent) and a signed-in client without the right. A call without
    any credentials is not logged: anyone can make those, by the thousand."""
    request = context.get("request")
    if request is None:
        return
    if isinstance(exc, exceptions.AuthenticationFailed):
        log_refused_page(
            request,
            object_type="api",
            detail={"reason": getattr(exc.detail, "code", None) or "invalid"},
        )
    elif isinstance(exc, exceptions.PermissionDenied) and request.user.is_authenticated:
        log_refused_page(
            request,
            object_type="api",
            detail={"reason": getattr(exc.detail, "code", None) or "forbidden"},
        )


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DjangoValidationError):
        exc = _from_django(exc)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    if isinstance(exc, exceptions.AuthenticationFailed | exceptions.PermissionDenied):
        _log_refusal(exc, context)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # a server error: Django's handler answers (and logs) it
    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten(exc.detail)
        if len(errors) == 1:  # one reason: say it, with its field
            code, message = errors[0]["code"], errors[0]["message"]
            if isinstance(exc.detail, dict):
                message = f"{errors[0]['field']}: {message}"
        else:
            code, message = "invalid", _("The input is not valid; see errors.")
    else:
        detail = getattr(exc, "detail", "")
        # Every APIException has a default code; drf_exception_handler answered no other.
        code = str(getattr(detail, "code", None) or getattr(exc, "default_code", "error"))
        message = str(detail) if detail else str(getattr(exc, "default_detail", ""))
        if isinstance(exc, exceptions.ParseError):
            code, message = "parse_error", _("The request body is not valid JSON.")
        errors = []
    response.data = {"code": code, "message": message, "errors": errors}
    return response
