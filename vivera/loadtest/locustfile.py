"""Locust: professionals of the demo municipality at work (`vivera load_benchmark`).

Each simulated user logs in with its own load-test account through both login steps, like a
person with an authenticator app: the login page, the password, then the six-digit code
computed from the account's key. Then it repeats what a professional does when a new client
calls: open *my work*, search a client, register the client, open a dossier, add a question (with
a double click: the same form sent twice at once) and a contact moment, and register a short
contact (and send that form again, as the browser's back button and *resend* do). Between the
steps it waits as a person reads and types (`VIVERA_LOAD_THINK`, seconds, "1-3").

Every record carries a marker unique to the run, the user and the registration, and the user
notes every marker the server accepted (a redirect after the POST). At the end the markers go to
`VIVERA_LOAD_RESULTS` (JSON), so the command can compare them with what the database holds.

This file runs in locust's process (gevent) and speaks HTTP only: it imports nothing of Django.
The forms are read from the pages (`vivera.core.testing.htmlforms`), so the user sends what a
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

from vivera.core.testing.htmlforms import HtmlForm, post_forms

ACCOUNTS = [name for name in os.environ.get("VIVERA_LOAD_ACCOUNTS", "").split(",") if name]
PASSWORD = os.environ.get("VIVERA_LOAD_PASSWORD", "")
TOTP_KEY = base64.b32decode(os.environ.get("VIVERA_LOAD_TOTP_KEY", ""))
RUN = os.environ.get("VIVERA_LOAD_RUN", "0")
RESULTS = os.environ.get("VIVERA_LOAD_RESULTS", "")
THINK = tuple(float(s) for s in os.environ.get("VIVERA_LOAD_THINK", "1-3").split("-"))
# Same values as vivera.loadtest.prepare (this process does not import Django).
MARKER, QUESTION_TEXT, CONTACT_TEXT = "Belasting", "Vraag ", "Contact "
# The service's refusal of a form sent twice (core.services.DuplicateSubmission), in Dutch and
# in English.
DUPLICATE = ("Dit formulier was al verstuurd", "This form was already submitted")
SURNAMES = ("Jansen", "de Vries", "Bakker", "Visser", "Smit", "Meijer", "Mulder", "de Boer",
            "Bos", "Vos", "Peters", "Hendriks", "Dekker", "Brouwer", "Kok")
FIRST_NAMES = ("Anna", "Bram", "Chantal", "Daan", "Esra", "Fatima", "Gerrit", "Hanneke",
               "Ilse", "Joost", "Karim", "Lotte", "Mohammed", "Noor", "Piet", "Sanne")
REDIRECT_ID = re.compile(r"/(\d+)/$")

_accounts = iter(enumerate(ACCOUNTS, start=1))
# What the server accepted, by kind: the markers of the records it saved.
saved: dict[str, list[str]] = defaultdict(list)
short_contacts = [0]
failed: list[str] = []  # what went wrong outside a single request (the double click)


@events.test_stop.add_listener
def _write_results(**_kwargs: Any) -> None:
    if RESULTS:
        with open(RESULTS, "w", encoding="utf-8") as handle:
            json.dump({"saved": saved, "short_contact": short_contacts[0], "failed": failed},
                      handle)


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
        self.post("/inloggen/", "/inloggen/", form.data(username=self.account,
                                                       password=PASSWORD))
        form = self.form("/inloggen/code/", "/inloggen/code/", "code")
        code = f"{TOTP(TOTP_KEY).token():06d}"
        self.post("/inloggen/code/", "/inloggen/code/", form.data(code=code))

    @task
    def register_a_new_client(self) -> None:
        marker = f"{MARKER}{RUN}-{self.number:02d}-{next(self.sequence)}"
        self.get("/mijn-werk/", "/mijn-werk/")
        self.wait()

        form = self.form("/inwoners/", "/inwoners/", "q")
        self.get_page("post", "/inwoners/", "/inwoners/ (zoeken)",
                      data=form.data(q=random.choice(SURNAMES)))
        self.wait()

        form = self.form("/inwoners/nieuw/", "/inwoners/nieuw/", "last_name")
        client_url = self.post("/inwoners/nieuw/", "/inwoners/nieuw/", form.data(
            first_name=random.choice(FIRST_NAMES), last_name=marker,
            birth_date=f"{random.randint(1940, 2005)}-{random.randint(1, 12):02d}-"
                       f"{random.randint(1, 28):02d}",
            postcode=f"{random.randint(9901, 9942)}AB", house_number=str(random.randint(1, 200)),
        ))
        saved["client"].append(marker)
        client_id = self.id_in(client_url)
        self.get(client_url, "/inwoners/[id]/")
        self.wait()

        url = f"/inwoners/{client_id}/dossier/nieuw/"
        form = self.form(url, "/inwoners/[id]/dossier/nieuw/", "referrer")
        dossier_url = self.post(url, "/inwoners/[id]/dossier/nieuw/", form.data(
            referrer=self.choose(form, "referrer")))
        saved["dossier"].append(marker)
        dossier_id = self.id_in(dossier_url)
        self.get(dossier_url, "/dossiers/[id]/")
        self.wait()

        url = f"/dossiers/{dossier_id}/vraag/"
        form = self.form(url, "/dossiers/[id]/vraag/", "domain")
        self.double_click(url, "/dossiers/[id]/vraag/", form.data(
            domain=self.choose(form, "domain"), description=QUESTION_TEXT + marker), marker)
        self.wait()

        url = f"/dossiers/{dossier_id}/contact/"
        form = self.form(url, "/dossiers/[id]/contact/", "minutes")
        self.post(url, "/dossiers/[id]/contact/", form.data(
            kind=self.choose(form, "kind"), minutes=str(random.choice((10, 15, 30, 45, 60))),
            note=CONTACT_TEXT + marker))
        saved["contact"].append(marker)
        self.wait()

        form = self.form("/kort-contact/", "/kort-contact/", "part_of_day")
        data = form.data(channel="phone", location="", domain=self.choose(form, "domain"))
        self.post("/kort-contact/", "/kort-contact/", data)
        short_contacts[0] += 1
        self.resend("/kort-contact/", "/kort-contact/ (opnieuw verstuurd)", data)

    # --- HTTP, checked ------------------------------------------------------------------------

    def get(self, url: str, name: str) -> str:
        return self.get_page("get", url, name)

    def get_page(self, method: str, url: str, name: str, data: Any = None) -> str:
        with self.client.request(method, url, name=f"{method.upper()} {name}", data=data,
                                 allow_redirects=False, catch_response=True) as response:
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
        with self.client.post(url, data=data, name=f"POST {name}", allow_redirects=False,
                              catch_response=True) as response:
            if response.status_code != 302:
                response.failure(f"status {response.status_code} instead of a redirect"
                                 + _errors(response.text))
                raise RescheduleTask
            return response.headers["Location"]

    def double_click(self, url: str, name: str, data: dict[str, list[str]],
                     marker: str) -> None:
        """The same form sent twice at the same moment: one must be saved, the other refused
        as a duplicate."""
        def send() -> tuple[int, str]:
            response = self.client.post(url, data=data, name=f"POST {name} (dubbelklik)",
                                        allow_redirects=False)
            return response.status_code, response.text

        jobs = [gevent.spawn(send) for _ in range(2)]
        gevent.joinall(jobs)
        results = [job.value or (0, "") for job in jobs]
        accepted = sum(status == 302 for status, _text in results)
        refused = sum(status == 200 and _is_duplicate(text) for status, text in results)
        saved["question"].extend([marker] * accepted)
        if not (accepted == 1 and refused == 1):
            self.fail(f"POST {name} (dubbelklik)", "niet één opgeslagen en één geweigerd maar "
                      f"statussen {[status for status, _text in results]}")

    def resend(self, url: str, name: str, data: dict[str, list[str]]) -> None:
        """Send a saved form again: it must be refused, nothing saved."""
        with self.client.post(url, data=data, name=f"POST {name}", allow_redirects=False,
                              catch_response=True) as response:
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
    found = re.findall(r'class="[^"]*(?:error|invalid)[^"]*"[^>]*>([^<]{1,200})<', html)
    return (": " + "; ".join(text.strip() for text in found[:3])) if found else ""
