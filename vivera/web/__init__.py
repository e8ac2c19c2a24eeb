"""The site as one whole: what ties the apps together for a person in a browser.

- `context_processors.navigation`: the menu, per role;
- `views.home`: the start page of each role;
- `admin.py`: who enters the Django admin at all (the admin role, checked on the site itself),
  and its titles;
- `tests/`: the tests of the whole site (every page × every role, CSRF, security headers,
  language, the form fuzz, the kill tests of the all-or-nothing commands).

Nothing in another app imports `web`: it is the top of the house (docs/architecture.md).
"""
