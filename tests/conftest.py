"""Shared test settings: a modest hypothesis profile and the reference helpers on the path."""

import os
import sys

from hypothesis import HealthCheck, settings

# tests/ holds reference.py (slow numpy references); make it importable from every test file.
sys.path.insert(0, os.path.dirname(__file__))

# Sized for a shared 2-core machine: few examples, no deadline (the first example pays numba's
# compile time).
settings.register_profile(
    "streamsmote",
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("streamsmote")
