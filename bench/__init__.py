"""Reproducible benchmarks (`make bench`): requests made, time under throttling, CPU."""
