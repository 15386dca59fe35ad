"""Signals sent to a real ``streamsmote resample`` process writing a real file of 2M rows.

SIGTERM, SIGHUP and Ctrl-C (SIGINT) clean up (temporary output file, spill folder) and exit
with 128 + the signal; a closed stdout ends the command quietly; the temporary file of a
process killed outright (SIGKILL) is removed by the next write of the same output.
"""

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from streamsmote.demo import TARGET, write_demo_data

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX signals")

ROWS = 2_000_000


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    """A 2M-row Parquet file (4 float32 features) and its class counts."""
    path = tmp_path_factory.mktemp("big") / "big.parquet"
    counts = write_demo_data(path, ROWS, n_features=4, seed=0)
    return path, counts


def _start(tmp_path, *args, stdout=subprocess.DEVNULL):
    """``python -m streamsmote ARGS`` with TMPDIR (the spill folder's home) in tmp_path."""
    env = {**os.environ, "TMPDIR": str(tmp_path / "spill")}
    (tmp_path / "spill").mkdir(exist_ok=True)
    return subprocess.Popen(
        [sys.executable, "-m", "streamsmote", *map(str, args)],
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def _resample_args(big, out, *more):
    path, counts = big
    # Known class counts and a tiny memory limit: the minority class spills to TMPDIR at once,
    # and the spill folder lives while the original rows are written.
    counts = json.dumps({str(c): n for c, n in counts.items()})
    return ("resample", path, out, "--target", TARGET, "--class-counts", counts,
            "--memory-limit", "1kB", *more)  # fmt: skip


def _temp_files(out):
    return [p for p in out.parent.iterdir() if p.name.startswith(f".{out.name}.tmp-")]


def _wait_until_writing(proc, out, tmp_path, timeout=60):
    """Wait until the child has a non-empty temporary output file and a spill folder."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.stderr.read()
        tmps = _temp_files(out)
        if tmps and tmps[0].stat().st_size > 0 and list((tmp_path / "spill").iterdir()):
            return tmps[0]
        time.sleep(0.02)
    proc.kill()
    pytest.fail("the child never started writing")


@pytest.mark.parametrize("signame", ["SIGTERM", "SIGHUP", "SIGINT"])
@pytest.mark.parametrize("existing", [False, True])
def test_signal_cleans_up_and_exits_128_plus_signal(tmp_path, big, signame, existing):
    out = tmp_path / "balanced.csv"
    if existing:
        out.write_text("old\n")
    proc = _start(tmp_path, *_resample_args(big, out, "--overwrite"))
    tmp = _wait_until_writing(proc, out, tmp_path)
    assert str(proc.pid) in tmp.name  # a killed run's file is recognisable
    signum = getattr(signal, signame)
    proc.send_signal(signum)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 128 + signum, err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    assert "no partial output file" in err
    assert not _temp_files(out)
    assert not list((tmp_path / "spill").iterdir())  # no spill folder left
    if existing:
        assert out.read_text() == "old\n"
    else:
        assert not out.exists()


def test_closed_stdout_exits_quietly(tmp_path, big):
    out = tmp_path / "balanced.parquet"
    proc = _start(tmp_path, "resample", big[0], out, "--target", TARGET, stdout=subprocess.PIPE)
    proc.stdout.close()  # as `| head` does once it has read enough
    _, err = proc.communicate(timeout=120)
    assert err == ""  # no "Broken pipe", no traceback
    assert proc.returncode == 128 + signal.SIGPIPE
    assert out.exists() and not _temp_files(out)  # the output was complete before the summary


def test_stale_temp_file_of_a_killed_run_is_removed(tmp_path, big):
    out = tmp_path / "balanced.csv"
    proc = _start(tmp_path, *_resample_args(big, out))
    tmp = _wait_until_writing(proc, out, tmp_path)
    proc.kill()  # SIGKILL: no cleanup possible
    proc.communicate(timeout=60)
    assert tmp.exists()
    # a live writer's temporary file is left alone
    alive = out.parent / f".{out.name}.tmp-{os.getpid()}-0000"
    alive.write_text("mine\n")

    small = tmp_path / "small.csv"
    small.write_text("a,label\n" + "".join(f"{i},{int(i % 5 == 0)}\n" for i in range(60)))
    done = subprocess.run(
        [sys.executable, "-m", "streamsmote", "resample", small, out, "--target", "label"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("streamsmote: warning: removed"), lines
    assert tmp.name in lines[0] and str(proc.pid) in lines[0]
    assert not tmp.exists() and alive.exists()
    assert out.read_text().startswith("a,label\n")
