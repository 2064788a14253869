"""Benchmarks (not tests): `python bench/admin_pages.py --help`."""
