"""Timings that are not tests: `make bench`."""
