"""Load benchmarks: gunicorn on PostgreSQL driven by wrk (see docs/benchmarks.md)."""
