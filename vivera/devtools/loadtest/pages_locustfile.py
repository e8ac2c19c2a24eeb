"""Locust: the professional's daily pages, one after the other without pause
(`vivera page_benchmark`, docs/benchmarks.md "The professional's pages").

Each simulated user logs in with its own account through both login steps (password, then the
six-digit code from the account's key), waits until every user has logged in (the slow password
check is not what is measured), and then repeats the daily round: *my work*, the waiting list,
the client search by surname, a client's page, a dossier's page, a short contact and a contact
moment (each form read from its page first, as a browser does: CSRF and one-time form token).
No think time: the users ask as fast as the server answers, so the requests per second are the
server's capacity for this mix.

Which client, dossier and surname each account uses comes from `VIVERA_PAGES_ACCOUNTS` (JSON,
made by the command from what the account may see). This file runs in locust's process (gevent)
and imports nothing of Django.
"""

from __future__ import annotations

import base64
import json
import os
import random
import time
from typing import Any

import gevent
from django_otp.oath import TOTP
from locust import HttpUser, constant, events, task
from locust.exception import RescheduleTask, StopUser

from vivera.devtools.testing.htmlforms import HtmlForm, post_forms

ACCOUNTS: list[dict[str, Any]] = json.loads(os.environ.get("VIVERA_PAGES_ACCOUNTS", "[]"))
PASSWORD = os.environ.get("VIVERA_PAGES_PASSWORD", "")
TOTP_KEY = base64.b32decode(os.environ.get("VIVERA_PAGES_TOTP_KEY", ""))
# Seconds since the epoch at which the measuring starts: the statistics are reset then, and
# every user starts its rounds then (after its login).
START = float(os.environ.get("VIVERA_PAGES_START", "0"))

# The names under which the pages are reported (the command prints them in this order).
PAGES = (
    "mijn werk",
    "wachtlijst",
    "zoeken (formulier)",
    "zoeken op achternaam",
    "inwoner",
    "dossier",
    "kort contact (formulier)",
    "kort contact (POST)",
    "contactmoment (formulier)",
    "contactmoment (POST)",
)

_accounts = iter(ACCOUNTS)


@events.test_start.add_listener
def _reset_at_start(environment: Any, **_kwargs: Any) -> None:
    """The logins before START are not part of the figures."""

    def reset() -> None:
        gevent.sleep(max(0.0, START - time.time()))
        environment.runner.stats.reset_all()

    gevent.spawn(reset)


class Professional(HttpUser):
    wait_time = constant(0)

    def on_start(self) -> None:
        try:
            self.account = next(_accounts)
        except StopIteration:
            raise StopUser from None
        try:
            self.log_in()
        except RescheduleTask:
            raise StopUser from None
        gevent.sleep(max(0.0, START - time.time()))

    def log_in(self) -> None:
        form = self.form("/inloggen/", "inloggen", "password")
        self.post(
            "/inloggen/",
            "inloggen (POST)",
            form.data(username=self.account["username"], password=PASSWORD),
        )
        form = self.form("/inloggen/code/", "inloggen code", "code")
        self.post(
            "/inloggen/code/",
            "inloggen code (POST)",
            form.data(code=f"{TOTP(TOTP_KEY).token():06d}"),
        )

    @task
    def daily_round(self) -> None:
        account = self.account
        self.get("/mijn-werk/", "mijn werk")
        self.get("/wachtlijst/", "wachtlijst")
        form = self.form("/inwoners/", "zoeken (formulier)", "q")
        self.page("post", "/inwoners/", "zoeken op achternaam", form.data(q=account["surname"]))
        self.get(f"/inwoners/{account['client']}/", "inwoner")
        self.get(f"/dossiers/{account['dossier']}/", "dossier")
        form = self.form("/kort-contact/", "kort contact (formulier)", "part_of_day")
        self.post(
            "/kort-contact/",
            "kort contact (POST)",
            form.data(channel="phone", location="", domain=self.choose(form, "domain")),
        )
        url = f"/dossiers/{account['dossier']}/contact/"
        form = self.form(url, "contactmoment (formulier)", "minutes")
        self.post(
            url,
            "contactmoment (POST)",
            form.data(kind=self.choose(form, "kind"), minutes="15", note=""),
        )

    # --- Helpers ----------------------------------------------------------------------------

    def get(self, url: str, name: str) -> str:
        return self.page("get", url, name)

    def page(self, method: str, url: str, name: str, data: Any = None) -> str:
        with self.client.request(
            method, url, data=data, name=name, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")
                raise RescheduleTask
            return response.text

    def form(self, url: str, name: str, field: str) -> HtmlForm:
        found = [f for f in post_forms(self.get(url, name)) if field in f.types]
        if not found:
            raise RescheduleTask
        return found[0]

    def post(self, url: str, name: str, data: dict[str, list[str]]) -> None:
        with self.client.post(
            url, data=data, name=name, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 302:
                response.failure(f"status {response.status_code} instead of a redirect")
                raise RescheduleTask

    @staticmethod
    def choose(form: HtmlForm, field: str) -> str:
        return random.choice([value for value in form.choices.get(field, []) if value] or [""])
