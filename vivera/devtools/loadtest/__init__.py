"""The load test: professionals registering at the same time (`vivera load_benchmark`).

- `prepare.py`: the database the test runs on (the demo municipality plus the load-test
  professionals) and the count of what the test left in it afterwards;
- `locustfile.py`: what each simulated professional does, over HTTP only, as a browser would
  (it runs in locust's own process, without Django);
- `benchmark.py`: the run itself (migrate, prepare, gunicorn on 127.0.0.1, locust headless) and
  the comparison of locust's successful POSTs with the records counted in the database.

The command is `vivera/devtools/management/commands/load_benchmark.py`. See docs/benchmarks.md.
"""
