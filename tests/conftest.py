"""Shared test settings: a modest hypothesis profile, the reference helpers on the path and a
real Dask cluster for the modules that ask for one."""

import os
import sys

import pytest
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


@pytest.fixture(scope="module")
def client():
    """A ``distributed.Client`` of a real LocalCluster of 2 single-thread worker processes, one
    per test module that asks for it (the Dask tests)."""
    distributed = pytest.importorskip("distributed", reason="the dask extra is not installed")
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as c,
    ):
        yield c
