"""Browser tests: the main flows in real headless Chromium (Debian's `chromium`, driven by
Playwright). See conftest.py for when they run, skip or fail."""
