"""The minority store's spill folder is removed on every way out, even a failing close."""

import errno
import os
import tempfile

import numpy as np
import pytest

import streamsmote as ss
from streamsmote import store as store_module
from streamsmote.cli import main


class FullDiskFile:
    """A spill file on a disk that fills up after ``room`` bytes: writes past it fail, and so
    does ``close``, whose flush meets the same full disk (the real file is closed anyway)."""

    def __init__(self, path, mode, room):
        self.raw = open(path, mode)  # noqa: SIM115 - closed by close()
        self.room = room

    @property
    def closed(self):
        return self.raw.closed

    def write(self, data):
        self.room -= len(data)
        if self.room < 0:
            raise OSError(errno.ENOSPC, "No space left on device")
        return self.raw.write(data)

    def close(self):
        self.raw.close()
        if self.room < 0:
            raise OSError(errno.ENOSPC, "No space left on device")


@pytest.fixture
def full_tmpdir(tmp_path, monkeypatch):
    """TMPDIR in tmp_path, on a 'disk' with room for 2 kB of spilled rows per file."""
    spill = tmp_path / "spill"
    spill.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(spill))
    monkeypatch.setattr(
        store_module, "open", lambda path, mode: FullDiskFile(path, mode, 2000), raising=False
    )
    return spill


def data(n0=2000, n1=400, seed=0):
    rng = np.random.default_rng(seed)
    y = np.r_[np.zeros(n0, int), np.ones(n1, int)]
    rng.shuffle(y)
    return rng.normal(size=(y.size, 3)), y


def test_spill_into_a_full_disk_leaves_no_folder(full_tmpdir):
    X, y = data()
    src = ss.from_arrays(X, y, chunksize=50)  # small chunks: many small writes
    sm = ss.SMOTE(memory_limit=100, random_state=0)
    with pytest.raises(OSError, match="No space left"):
        sm.fit(src)
    assert os.listdir(full_tmpdir) == []


def test_store_close_survives_a_failing_close(full_tmpdir):
    s = store_module.MinorityStore([(3, np.dtype(np.float64))], memory_limit=8, keep=[1])
    s.add((np.zeros((2, 3)),), np.array([1, 1]), offset=0)  # spills
    assert s.spilled == {1} and os.listdir(full_tmpdir)
    with pytest.raises(OSError):
        s.add((np.zeros((100, 3)),), np.ones(100, int), offset=2)  # the disk is full
    s.close()
    assert os.listdir(full_tmpdir) == []


def test_cli_spill_into_a_full_disk(full_tmpdir, tmp_path, capsys):
    X, y = data()
    path = tmp_path / "in.csv"
    ss.write_csv([(X, y)], path, target="label")
    out = tmp_path / "out.csv"
    code = main([
        "resample", str(path), str(out), "--target", "label", "--chunksize", "50",
        "--memory-limit", "100", "--class-counts", '{"0": 2000, "1": 400}',
    ])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 2
    assert err.splitlines() == [err.strip()] and "No space left on device" in err
    assert os.listdir(full_tmpdir) == []
    assert sorted(os.listdir(tmp_path)) == ["in.csv", "spill"]
