"""Test support shared by the test suite, the load test and the kill tests (not tests itself).

- `htmlforms`: the forms of a page as a browser sees them (standard library only, so the load
  test's locust process can use it without Django);
- `kill`: the harness that runs a command in a child process, stops it at a pause point with
  SIGKILL and compares the database before and after (docs/architecture.md);
- `fuzz`: what the schemathesis fuzzes of the API share.

The pause point the kill harness stops a command at is not here but in `vivera.core.pause`: the
product's commands call it, and the product never imports devtools.
"""
