"""The client-experience survey (docs/survey.md, handleiding "Enquête").

Three parts, kept apart on purpose:

- the questionnaire: a `Survey` (one round, e.g. the yearly CEO Wmo) with numbered
  `SurveyVersion`s of its `Question`s. A version is frozen once the first answer arrives; a
  change after that makes a new version, so every answer keeps the exact wording it answered.
- the sample: `Invitation`s, who was invited (client, team, neighbourhood and age band on the
  day of drawing). An invitation's code and link are derived from its `nonce` and the
  installation's secret; only their hashes are stored for the lookup.
- the answers: `Response` and `Answer`, which name no person. A response carries the team,
  neighbourhood and age band copied from its invitation, for the breakdowns. While the survey
  is open the invitation points to its response (to resume and to answer once); closing the
  survey cuts that link and clears the codes for good.
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from vivera.organisation.models import Location, Municipality, Neighbourhood, Team
from vivera.registration.models import Client


class QuestionKind(models.TextChoices):
    STATEMENT = "statement", _("Statement (agree or disagree)")
    SINGLE = "single", _("One choice")
    MULTIPLE = "multiple", _("Several choices")
    MARK = "mark", _("Mark from 1 to 10")
    OPEN = "open", _("Open answer")
    LOCATION = "location", _("Rating per walk-in point")


class Theme(models.TextChoices):
    ACCESS = "access", _("Access")
    QUALITY = "quality", _("Quality")
    EFFECT = "effect", _("Effect")
    SELF_RELIANCE = "self_reliance", _("Self-reliance")
    OTHER = "other", _("Other")


class Agreement(models.IntegerChoices):
    """The five-point scale of a statement (and of a walk-in point's rating), plus "don't know".
    Results leave "don't know" out of the percentages and show its share beside them."""

    STRONGLY_AGREE = 5, _("Strongly agree")
    AGREE = 4, _("Agree")
    NEUTRAL = 3, _("Neither agree nor disagree")
    DISAGREE = 2, _("Disagree")
    STRONGLY_DISAGREE = 1, _("Strongly disagree")
    DONT_KNOW = 0, _("Don't know / not applicable")


class SurveyStatus(models.TextChoices):
    DRAFT = "draft", _("Being prepared")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class Survey(models.Model):
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=150)
    introduction = models.TextField(
        _("introduction"),
        max_length=2000,
        blank=True,
        help_text=_("What the resident reads first: why this survey, and that it is voluntary."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=SurveyStatus.choices, default=SurveyStatus.DRAFT
    )
    reminder_days = models.PositiveSmallIntegerField(
        _("reminder after (days)"),
        default=14,
        help_text=_("Residents who have not answered get a reminder after this many days."),
    )
    opened_on = models.DateField(_("opened on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == SurveyStatus.OPEN


class SurveyVersion(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("version"))
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # Set when the first answer to this version arrives: from then on its questions stay.
    frozen_at = models.DateTimeField(_("frozen at"), null=True, blank=True)

    class Meta:
        verbose_name = _("survey version")
        verbose_name_plural = _("survey versions")
        ordering = ["survey", "number"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "number"], name="survey_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.survey} v{self.number}"


class Question(models.Model):
    version = models.ForeignKey(SurveyVersion, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(_("position"))
    # Stable over versions (the question bank's code, or one given to an own question): the
    # results add up the answers to the same code, and the bureau import names its columns so.
    code = models.SlugField(_("code"), max_length=60)
    kind = models.CharField(_("kind"), max_length=10, choices=QuestionKind.choices)
    theme = models.CharField(_("theme"), max_length=15, choices=Theme.choices, default=Theme.OTHER)
    text = models.CharField(_("question or statement"), max_length=300)
    help_text = models.CharField(_("explanation"), max_length=300, blank=True)
    options = models.JSONField(_("options"), default=list, blank=True)

    class Meta:
        verbose_name = _("survey question")
        verbose_name_plural = _("survey questions")
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "position"], name="survey_question_position_unique"
            ),
            models.UniqueConstraint(fields=["version", "code"], name="survey_question_code_unique"),
        ]

    def __str__(self) -> str:
        return self.text


def _derived(nonce: str, purpose: str) -> bytes:
    return hmac.new(
        settings.SECRET_KEY.encode(), f"vivera-survey:{purpose}:{nonce}".encode(), hashlib.sha256
    ).digest()


# No 0/O, 1/I/L: a code typed from a letter is read by people.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10


def normalise_code(text: str) -> str:
    """A code as typed, for the lookup: upper case, spaces, dashes and other punctuation left
    out (`abcde 23456` is `ABCDE23456`). The look-alikes 0/O and 1/I/L are not in the alphabet,
    so a misread character gives an unknown code, not someone else's."""
    return "".join(ch for ch in text.upper() if ch.isalnum())


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


class Invitation(models.Model):
    """Who was invited: the sample. Never shown beside an answer."""

    survey = models.ForeignKey(
        Survey, on_delete=models.PROTECT, related_name="invitations", verbose_name=_("survey")
    )
    client = models.ForeignKey(
        Client, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="+", verbose_name=_("team")
    )
    neighbourhood = models.ForeignKey(
        Neighbourhood,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("neighbourhood"),
    )
    age_band = models.CharField(_("age band"), max_length=8, blank=True)
    invited_on = models.DateField(_("invited on"))
    reminded_on = models.DateField(_("reminded on"), null=True, blank=True)
    # The code and link come from the nonce and SECRET_KEY (`code`, `token`); cleared on closing.
    nonce = models.CharField(max_length=32, blank=True, editable=False)
    code_hash = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    token_hash = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    answered = models.BooleanField(_("answered"), default=False)
    declined = models.BooleanField(_("does not want to take part"), default=False)
    # Only while the survey is open: to resume and to answer once. Cut when it closes.
    response = models.OneToOneField(
        "Response", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["survey", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "client"],
                condition=Q(client__isnull=False),
                name="survey_invitation_once_per_client",
            )
        ]
        indexes = [models.Index(fields=["survey", "team"])]

    def __str__(self) -> str:
        return f"U{self.pk:06d}" if self.pk else "U(new)"

    @property
    def code(self) -> str:
        """The short code printed on the letter (XXXXX-XXXXX), or "" once the survey closed."""
        if not self.nonce:
            return ""
        raw = _derived(self.nonce, "code")
        chars = "".join(CODE_ALPHABET[b % len(CODE_ALPHABET)] for b in raw[:CODE_LENGTH])
        return f"{chars[:5]}-{chars[5:]}"

    @property
    def token(self) -> str:
        """The personal link's secret part, or "" once the survey closed."""
        if not self.nonce:
            return ""
        return _derived(self.nonce, "token").hex()[:40]


class ResponseChannel(models.TextChoices):
    ONLINE = "online", _("Online")
    PAPER = "paper", _("Paper form, typed in")
    BUREAU = "bureau", _("Survey bureau")


class Response(models.Model):
    """One resident's answers. Names no person: the team, neighbourhood and age band are copied
    from the invitation for the breakdowns."""

    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="responses")
    version = models.ForeignKey(SurveyVersion, on_delete=models.PROTECT, related_name="responses")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, null=True, related_name="+")
    neighbourhood = models.ForeignKey(
        Neighbourhood, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    age_band = models.CharField(max_length=8, blank=True)
    channel = models.CharField(max_length=10, choices=ResponseChannel.choices)
    # None while the resident is still answering; the results count submitted responses only.
    submitted_on = models.DateField(null=True, blank=True, db_index=True)
    # Where an online resident resumes: the number of questions already on screen.
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        ordering = ["pk"]
        indexes = [models.Index(fields=["survey", "submitted_on"])]

    def __str__(self) -> str:
        return f"R{self.pk:06d}" if self.pk else "R(new)"


class Screening(models.TextChoices):
    PENDING = "pending", _("Not yet screened")
    APPROVED = "approved", _("Approved")
    EDITED = "edited", _("Approved with names removed")
    REJECTED = "rejected", _("Not shown")


class Answer(models.Model):
    """One answer: a scale value, a mark, a chosen option (one row per option of a multiple
    choice), a walk-in point's rating (one row per point) or an open text."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    # Agreement 0–5 for a statement or rating, 1–10 for a mark, the option's number (from 0).
    value = models.SmallIntegerField(null=True, blank=True)
    location = models.ForeignKey(
        Location, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    text = models.TextField(blank=True, max_length=2000)
    # Open answers are shown to the policy advisor only once a coordinator screened them.
    screening = models.CharField(max_length=10, choices=Screening.choices, blank=True, default="")
    screened_text = models.TextField(blank=True, max_length=2000)
    screened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    screened_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["pk"]
        indexes = [
            models.Index(fields=["question", "value"]),
            models.Index(fields=["screening"]),
        ]


class Objection(models.Model):
    """A resident who does not want to be asked for surveys (said so on the survey page or to
    the team): left out of every later sample and counted there."""

    client = models.OneToOneField(
        Client, on_delete=models.CASCADE, related_name="+", verbose_name=_("client")
    )
    recorded_on = models.DateField(_("recorded on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    class Meta:
        verbose_name = _("objection to surveys")
        verbose_name_plural = _("objections to surveys")
