"""Benchmarks (not tests: pytest collects only tests/). See bench/README.md."""
