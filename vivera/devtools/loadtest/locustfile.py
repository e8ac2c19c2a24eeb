"""Locust: professionals of the demo municipality at work (`vivera load_benchmark`).

Each simulated user logs in with its own load-test account through both login steps, like a
person with an authenticator app: the login page, the password, then the six-digit code
computed from the account's key. Then it repeats what a professional does when a new client
calls: open *my work*, search a client, register the client, open a dossier, add a question (with
a double click: the same form sent twice at once) and a contact moment, and register a short
contact (and send that form again, as the browser's back button and *resend* do). Between the
steps it waits as a person reads and types (`VIVERA_LOAD_THINK`, seconds, "1-3").

Alongside them, partner systems (`Partner`, `VIVERA_LOAD_PARTNERS` of the users, with the API
keys in `VIVERA_LOAD_PARTNER_KEYS`) send referrals and early signals through the partner API
(and sometimes the same one again, which must be refused), and read back their status. The
professionals act on those submissions in their triage queue as the team does: open one, record
an outreach attempt, then change its status or open a dossier for it. Several professionals of
a team may pick the same submission at once: one of them wins, the others are refused (the
submission changed or is finished: a 400 page, not an error).

Every record carries a marker unique to the run, the user and the registration, and the user
notes every marker the server accepted (a redirect after the POST, a 201 from the API). At the
end the markers go to `VIVERA_LOAD_RESULTS` (JSON), so the command can compare them with what
the database holds.

This file runs in locust's process (gevent) and speaks HTTP only: it imports nothing of Django.
The forms are read from the pages (`vivera.devtools.testing.htmlforms`), so the user sends what a
browser sends, hidden fields, CSRF token and one-time form token included.
"""

from __future__ import annotations

import base64
import itertools
import json
import os
import random
import re
from collections import defaultdict
from typing import Any

import gevent
from django_otp.oath import TOTP
from locust import HttpUser, between, events, task
from locust.exception import RescheduleTask, StopUser

from vivera.devtools.testing.htmlforms import HtmlForm, post_forms

ACCOUNTS = [name for name in os.environ.get("VIVERA_LOAD_ACCOUNTS", "").split(",") if name]
PASSWORD = os.environ.get("VIVERA_LOAD_PASSWORD", "")
TOTP_KEY = base64.b32decode(os.environ.get("VIVERA_LOAD_TOTP_KEY", ""))
PARTNER_KEYS = [key for key in os.environ.get("VIVERA_LOAD_PARTNER_KEYS", "").split(",") if key]
PARTNERS = int(os.environ.get("VIVERA_LOAD_PARTNERS", "0"))
RUN = os.environ.get("VIVERA_LOAD_RUN", "0")
RESULTS = os.environ.get("VIVERA_LOAD_RESULTS", "")
THINK = tuple(float(s) for s in os.environ.get("VIVERA_LOAD_THINK", "1-3").split("-"))
# Same values as vivera.devtools.loadtest.prepare (this process does not import Django).
MARKER, QUESTION_TEXT, CONTACT_TEXT = "Belasting", "Vraag ", "Contact "
SUBMISSION_MARKER, ATTEMPT_TEXT = "Partner", "Poging "
# The service's refusal of a form sent twice (core.services.DuplicateSubmission), in Dutch and
# in English.
DUPLICATE = ("Dit formulier was al verstuurd", "This form was already submitted")
SURNAMES = (
    "Jansen",
    "de Vries",
    "Bakker",
    "Visser",
    "Smit",
    "Meijer",
    "Mulder",
    "de Boer",
    "Bos",
    "Vos",
    "Peters",
    "Hendriks",
    "Dekker",
    "Brouwer",
    "Kok",
)
FIRST_NAMES = (
    "Anna",
    "Bram",
    "Chantal",
    "Daan",
    "Esra",
    "Fatima",
    "Gerrit",
    "Hanneke",
    "Ilse",
    "Joost",
    "Karim",
    "Lotte",
    "Mohammed",
    "Noor",
    "Piet",
    "Sanne",
)
REDIRECT_ID = re.compile(r"/(\d+)/$")
QUEUE_ROW = re.compile(r'<tr[^>]*data-testid="submission-row".*?</tr>', re.S)
QUEUE_LINK = re.compile(r'href="(/meldingen/(\d+)/)"')
# The refusals a professional may meet when another one acted on the same submission first
# (partners.services: stale_edit, closed, invalid_transition), in Dutch and in English.
CONCURRENT = (
    "Iemand anders heeft deze melding",
    "Someone else changed this submission",
    "Deze melding is afgerond",
    "This submission is finished",
    "kan de status niet",
    "the status cannot become",
    "kan niet meer in een dossier",
    "can no longer be taken on",
    "Deze melding hoort bij een ander team",
    "This submission belongs to another team",
)

_accounts = iter(enumerate(ACCOUNTS, start=1))
_partner_keys = iter(enumerate(PARTNER_KEYS, start=1))
# What the server accepted, by kind: the markers of the records it saved.
saved: dict[str, list[str]] = defaultdict(list)
short_contacts = [0]
status_changes = [0]  # accepted status changes and dossiers opened on submissions
refused_concurrently = [0]  # refused because another professional acted first
failed: list[str] = []  # what went wrong outside a single request (the double click)


@events.test_stop.add_listener
def _write_results(**_kwargs: Any) -> None:
    if RESULTS:
        with open(RESULTS, "w", encoding="utf-8") as handle:
            json.dump(
                {
                    "saved": saved,
                    "short_contact": short_contacts[0],
                    "status_change": status_changes[0],
                    "refused_concurrently": refused_concurrently[0],
                    "failed": failed,
                },
                handle,
            )


class Partner(HttpUser):
    """A partner's system: sends referrals and early signals with its API key, sometimes the
    same one twice (a retry after a timeout), and reads back the status."""

    wait_time = between(*THINK)
    fixed_count = PARTNERS  # the command names this class only when there are partners

    def on_start(self) -> None:
        try:
            self.number, key = next(_partner_keys)
        except StopIteration:
            raise StopUser from None
        self.client.headers["Authorization"] = f"Bearer {key}"
        self.sequence = itertools.count(1)

    @task(3)
    def send(self) -> None:
        marker = f"{SUBMISSION_MARKER}{RUN}-p{self.number:02d}-{next(self.sequence)}"
        postcode = f"{random.randint(9901, 9942)}AB"
        if random.random() < 0.5:
            url, name = "/api/v1/partner/vroegsignalen/", "POST /api/v1/partner/vroegsignalen/"
            body: dict[str, Any] = {
                "reference": marker,
                "first_name": random.choice(FIRST_NAMES),
                "last_name": marker,
                "postcode": postcode,
                "house_number": str(random.randint(1, 200)),
                "signal_type": "rent",
                "amount": f"{random.randint(300, 3000)}.00",
                "months_in_arrears": 2,
            }
        else:
            url, name = "/api/v1/partner/aanmeldingen/", "POST /api/v1/partner/aanmeldingen/"
            body = {
                "reference": marker,
                "first_name": random.choice(FIRST_NAMES),
                "last_name": marker,
                "postcode": postcode,
                "house_number": str(random.randint(1, 200)),
                "consent": True,
                "reason": "Belastingstest: hulp gevraagd.",
            }
        with self.client.post(url, json=body, name=name, catch_response=True) as response:
            if response.status_code != 201:
                response.failure(f"status {response.status_code}: {response.text[:200]}")
                return
        saved["submission"].append(marker)
        if random.random() < 0.2:  # the same again: refused, nothing saved twice
            with self.client.post(
                url, json=body, name=f"{name} (opnieuw verstuurd)", catch_response=True
            ) as response:
                if response.status_code == 409:
                    response.success()
                else:
                    if response.status_code == 201:
                        saved["submission"].append(marker)  # the count will show it too
                    response.failure(f"not refused (status {response.status_code})")

    @task(1)
    def read_status(self) -> None:
        with self.client.get(
            "/api/v1/partner/meldingen/", name="GET /api/v1/partner/meldingen/", catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")


class Professional(HttpUser):
    wait_time = between(*THINK)

    def on_start(self) -> None:
        try:
            self.number, self.account = next(_accounts)
        except StopIteration:
            raise StopUser from None  # more simulated users than accounts: the command refuses
        self.sequence = itertools.count(1)
        try:
            self.log_in()
        except RescheduleTask:
            raise StopUser from None  # the failure is in the statistics: the run fails

    # --- Steps ------------------------------------------------------------------------------

    def log_in(self) -> None:
        form = self.form("/inloggen/", "/inloggen/", "password")
        self.post("/inloggen/", "/inloggen/", form.data(username=self.account, password=PASSWORD))
        form = self.form("/inloggen/code/", "/inloggen/code/", "code")
        code = f"{TOTP(TOTP_KEY).token():06d}"
        self.post("/inloggen/code/", "/inloggen/code/", form.data(code=code))

    @task(3)
    def register_a_new_client(self) -> None:
        marker = f"{MARKER}{RUN}-{self.number:02d}-{next(self.sequence)}"
        self.get("/mijn-werk/", "/mijn-werk/")
        self.wait()

        form = self.form("/inwoners/", "/inwoners/", "q")
        self.get_page(
            "post", "/inwoners/", "/inwoners/ (zoeken)", data=form.data(q=random.choice(SURNAMES))
        )
        self.wait()

        form = self.form("/inwoners/nieuw/", "/inwoners/nieuw/", "last_name")
        client_url = self.post(
            "/inwoners/nieuw/",
            "/inwoners/nieuw/",
            form.data(
                first_name=random.choice(FIRST_NAMES),
                last_name=marker,
                birth_date=f"{random.randint(1940, 2005)}-{random.randint(1, 12):02d}-"
                f"{random.randint(1, 28):02d}",
                postcode=f"{random.randint(9901, 9942)}AB",
                house_number=str(random.randint(1, 200)),
            ),
        )
        saved["client"].append(marker)
        client_id = self.id_in(client_url)
        self.get(client_url, "/inwoners/[id]/")
        self.wait()

        url = f"/inwoners/{client_id}/dossier/nieuw/"
        form = self.form(url, "/inwoners/[id]/dossier/nieuw/", "referrer")
        dossier_url = self.post(
            url, "/inwoners/[id]/dossier/nieuw/", form.data(referrer=self.choose(form, "referrer"))
        )
        saved["dossier"].append(marker)
        dossier_id = self.id_in(dossier_url)
        self.get(dossier_url, "/dossiers/[id]/")
        self.wait()

        url = f"/dossiers/{dossier_id}/vraag/"
        form = self.form(url, "/dossiers/[id]/vraag/", "domain")
        self.double_click(
            url,
            "/dossiers/[id]/vraag/",
            form.data(domain=self.choose(form, "domain"), description=QUESTION_TEXT + marker),
            marker,
        )
        self.wait()

        url = f"/dossiers/{dossier_id}/contact/"
        form = self.form(url, "/dossiers/[id]/contact/", "minutes")
        self.post(
            url,
            "/dossiers/[id]/contact/",
            form.data(
                kind=self.choose(form, "kind"),
                minutes=str(random.choice((10, 15, 30, 45, 60))),
                note=CONTACT_TEXT + marker,
            ),
        )
        saved["contact"].append(marker)
        self.wait()

        form = self.form("/kort-contact/", "/kort-contact/", "part_of_day")
        data = form.data(channel="phone", location="", domain=self.choose(form, "domain"))
        self.post("/kort-contact/", "/kort-contact/", data)
        short_contacts[0] += 1
        self.resend("/kort-contact/", "/kort-contact/ (opnieuw verstuurd)", data)

    @task(1)
    def work_on_a_submission(self) -> None:
        """One of this run's open submissions in the team's queue: record an attempt to reach
        the person (not reached), then change the status or open a dossier."""
        if not PARTNERS:
            return
        marker = f"{MARKER}{RUN}-{self.number:02d}-{next(self.sequence)}"
        html = self.get("/meldingen/", "/meldingen/")
        ours = [
            QUEUE_LINK.search(row)
            for row in QUEUE_ROW.findall(html)
            if f"{SUBMISSION_MARKER}{RUN}-" in row
        ]
        links = [link.group(1) for link in ours if link]
        if not links:
            return
        url = random.choice(links)
        self.wait()

        # A colleague may have made a dossier of it or closed it since the queue was read: then
        # the page has no attempt form any more, which is the application being right.
        form = next(
            (f for f in post_forms(self.get(url, "/meldingen/[id]/")) if "note" in f.types), None
        )
        if form is None:
            return
        if not self.act(
            f"{url}poging/",
            "/meldingen/[id]/poging/",
            form.data(
                part_of_day=self.choose(form, "part_of_day"),
                method=self.choose(form, "method"),
                note=ATTEMPT_TEXT + marker,
            ),
        ):
            return
        saved["attempt"].append(marker)
        self.wait()

        html = self.get(url, "/meldingen/[id]/")
        forms = {
            field: form
            for form in post_forms(html)
            for field in ("to_status", "referrer")
            if field in form.types
        }
        if random.random() < 0.5 and "referrer" in forms:
            form = forms["referrer"]
            response = self.act(
                f"{url}dossier/",
                "/meldingen/[id]/dossier/",
                form.data(team=form.values.get("team", [""])[0] or self.choose(form, "team")),
            )
            if response:
                last_name = re.search(rf"{SUBMISSION_MARKER}{RUN}-[\w-]+", html)
                saved["submission_dossier"].append(last_name.group(0) if last_name else "?")
                status_changes[0] += 1
        elif "to_status" in forms:
            form = forms["to_status"]
            choices = [c for c in form.choices.get("to_status", []) if c != "handed_over"]
            if choices and self.act(
                f"{url}status/",
                "/meldingen/[id]/status/",
                form.data(to_status=random.choice(choices)),
            ):
                status_changes[0] += 1

    # --- HTTP, checked ------------------------------------------------------------------------

    def get(self, url: str, name: str) -> str:
        return self.get_page("get", url, name)

    def get_page(self, method: str, url: str, name: str, data: Any = None) -> str:
        with self.client.request(
            method,
            url,
            name=f"{method.upper()} {name}",
            data=data,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")
                raise RescheduleTask
            return response.text

    def form(self, url: str, name: str, field: str) -> HtmlForm:
        """The page's POST form that has `field`."""
        html = self.get(url, name)
        for form in post_forms(html):
            if field in form.types:
                return form
        self.fail(f"GET {name}", f"no form with {field!r}")
        raise RescheduleTask

    def post(self, url: str, name: str, data: dict[str, list[str]]) -> str:
        """POST a form; the server must accept it (a redirect). Returns where it redirects."""
        with self.client.post(
            url, data=data, name=f"POST {name}", allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 302:
                response.failure(
                    f"status {response.status_code} instead of a redirect" + _errors(response.text)
                )
                raise RescheduleTask
            return response.headers["Location"]

    def act(self, url: str, name: str, data: dict[str, list[str]]) -> str:
        """POST a form on a submission: accepted (a redirect: returns where to), or refused
        because another professional acted on it first (400 with that reason: returns "");
        anything else fails."""
        with self.client.post(
            url, data=data, name=f"POST {name}", allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code == 302:
                return response.headers["Location"]
            if response.status_code == 400 and any(text in response.text for text in CONCURRENT):
                response.success()
                refused_concurrently[0] += 1
                return ""
            response.failure(f"status {response.status_code}" + _errors(response.text))
            return ""

    def double_click(self, url: str, name: str, data: dict[str, list[str]], marker: str) -> None:
        """The same form sent twice at the same moment: one must be saved, the other refused
        as a duplicate."""

        def send() -> tuple[int, str]:
            response = self.client.post(
                url, data=data, name=f"POST {name} (dubbelklik)", allow_redirects=False
            )
            return response.status_code, response.text

        jobs = [gevent.spawn(send) for _ in range(2)]
        gevent.joinall(jobs)
        results = [job.value or (0, "") for job in jobs]
        accepted = sum(status == 302 for status, _text in results)
        refused = sum(status == 200 and _is_duplicate(text) for status, text in results)
        saved["question"].extend([marker] * accepted)
        if not (accepted == 1 and refused == 1):
            self.fail(
                f"POST {name} (dubbelklik)",
                "niet één opgeslagen en één geweigerd maar "
                f"statussen {[status for status, _text in results]}",
            )

    def resend(self, url: str, name: str, data: dict[str, list[str]]) -> None:
        """Send a saved form again: it must be refused, nothing saved."""
        with self.client.post(
            url, data=data, name=f"POST {name}", allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code == 200 and _is_duplicate(response.text):
                response.success()
            else:
                if response.status_code == 302:
                    short_contacts[0] += 1  # saved a second time: the count will show it too
                response.failure(f"not refused as a duplicate (status {response.status_code})")

    # --- Helpers ----------------------------------------------------------------------------

    def fail(self, name: str, detail: str) -> None:
        """A failure that is not a request's (kept out of locust's response times)."""
        failed.append(f"{name}: {detail}")

    @staticmethod
    def choose(form: HtmlForm, field: str) -> str:
        return random.choice([value for value in form.choices.get(field, []) if value] or [""])

    def id_in(self, url: str) -> int:
        match = REDIRECT_ID.search(url)
        if not match:
            self.fail("redirect", f"unexpected redirect to {url}")
            raise RescheduleTask
        return int(match.group(1))


def _is_duplicate(html: str) -> bool:
    return any(text in html for text in DUPLICATE)


def _errors(html: str) -> str:
    """The form's error messages, for the failure report."""
    # Field messages, and the lines of the error summary at the top of the form.
    found = [
        text
        for text in re.findall(r'class="[^"]*(?:error|invalid)[^"]*"[^>]*>([^<]{1,200})<', html)
        if text.strip()
    ]
    if "vivera-error-summary" in html:
        summary = html.split("vivera-error-summary", 1)[1].split("</ul>", 1)[0]
        found += re.findall(r"<li>(?:<a [^>]*>)?([^<]{1,200})<", summary)
    return (": " + "; ".join(text.strip() for text in found[:3])) if found else ""
