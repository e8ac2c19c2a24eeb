"""Tooling around the product, apart from it: nothing in the product imports this package
(`vivera/core/tests/test_import_rules.py` checks that).

- `demo/`: the demo municipality Zwijnwaard (`vivera demo`, `demo_logins`, `demo_code`), with the
  partner side of the demo (`demo/partners.py`);
- `benchmarks/`: how fast the monitor computes (`vivera monitor_benchmark`, with the synthetic
  region in `region.py`) and how fast the import reads, checks and writes
  (`vivera import_benchmark`), and how they measure (`measure.py`);
- `loadtest/`: professionals and partner systems at the same time against gunicorn
  (`vivera load_benchmark`);
- `testing/`: test support: the kill harness, a page's forms as a browser submits them, the API
  fuzz's checks.

It is a Django app only so that its commands are `vivera` commands; it has no models, pages or
signals. It writes through the ORM and raw SQL like the product's bulk writers do
(docs/architecture.md, "Bulk writes"). See docs/benchmarks.md and docs/commands.md.
"""
