"""Benchmarks against the official SDK: `make bench` (or `python -m benchmarks`).

`server` is the canned HTTP/1.1 server, `payload` the TaskView it answers with, `impls`
the clients measured, `child` what runs in fresh processes, `run` the measurements and
`report` the tables written into benchmarks/README.md.
"""
