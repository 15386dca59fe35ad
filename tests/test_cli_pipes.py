"""``streamsmote`` in shell pipelines: ``-`` reads CSV from stdin and writes CSV to stdout.

Real processes in a real shell (``bash -c``): the rows go to stdout, every message to
stderr, a reader that stops early (``head``) ends the command quietly, and commands that
would read stdin twice are refused before reading it. Also the demo without pyarrow.
"""

import io
import os
import shlex
import shutil
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from streamsmote._batch import Batch
from streamsmote.demo import Tap, plot_demo

pytestmark = pytest.mark.skipif(
    os.name != "posix" or shutil.which("bash") is None, reason="a POSIX shell"
)

CMD = f"{shlex.quote(sys.executable)} -m streamsmote"


def make_frame(n0=3000, n1=150, seed=0):
    rng = np.random.default_rng(seed)
    y = np.r_[np.zeros(n0, int), np.ones(n1, int)]
    rng.shuffle(y)
    return pd.DataFrame(
        {
            "a": rng.normal(size=n0 + n1),
            "b": rng.normal(size=n0 + n1) + 2 * y,
            "label": y,
            "c": rng.integers(0, 10, size=n0 + n1),
        }
    )


@pytest.fixture
def csv_file(tmp_path):
    path = tmp_path / "in.csv"
    make_frame().to_csv(path, index=False)
    return path


def shell(script, cwd):
    """Run a bash script; return (exit code, stdout bytes, stderr text)."""
    done = subprocess.run(
        ["bash", "-c", script], cwd=cwd, capture_output=True, timeout=300, check=False
    )
    return done.returncode, done.stdout, done.stderr.decode()


RESAMPLE = "resample - - --target label --seed 0 --chunksize 700 --mark-synthetic synthetic"


def test_stdin_to_stdout_is_the_file_to_file_output(tmp_path, csv_file):
    code, out, err = shell(f"cat in.csv | {CMD} {RESAMPLE} > piped.csv", tmp_path)
    assert code == 0, err
    assert out == b""
    # the report is on stderr, and only there
    assert "streamsmote resample: stdin -> stdout" in err and "rows written" in err
    assert "Traceback" not in err
    code, out, err = shell(
        f"{CMD} resample in.csv file.csv --target label --seed 0 --chunksize 700 "
        "--mark-synthetic synthetic",
        tmp_path,
    )
    assert code == 0, err
    assert "total" in out.decode()  # to a file, the report stays on stdout
    piped = (tmp_path / "piped.csv").read_bytes()
    assert piped == (tmp_path / "file.csv").read_bytes()
    back = pd.read_csv(tmp_path / "piped.csv")
    originals = back.loc[~back.pop("synthetic")].reset_index(drop=True)
    pd.testing.assert_frame_equal(originals, make_frame()[["a", "b", "c", "label"]])
    assert back["label"].value_counts().to_dict() == {0: 3000, 1: 3000}
    assert sorted(os.listdir(tmp_path)) == ["file.csv", "in.csv", "piped.csv"]


def test_stdin_to_parquet_and_file_to_stdout(tmp_path, csv_file):
    code, _, err = shell(
        f"{CMD} resample - out.parquet --target label --seed 0 < in.csv", tmp_path
    )
    assert code == 0, err
    code, out, err = shell(f"{CMD} resample in.csv - --target label --seed 0", tmp_path)
    assert code == 0, err
    assert "rows written" in err
    from_stdin = pd.read_parquet(tmp_path / "out.parquet")
    to_stdout = pd.read_csv(io.BytesIO(out))
    pd.testing.assert_frame_equal(from_stdin, to_stdout)


def test_head_on_stdout_ends_quietly(tmp_path):
    make_frame(n0=30_000, n1=1_000).to_csv(tmp_path / "big.csv", index=False)
    code, out, err = shell(
        f"{CMD} resample big.csv - --target label --seed 0 | head -n 3; "
        'echo "${PIPESTATUS[0]}" >&2',
        tmp_path,
    )
    assert code == 0
    assert out.decode().splitlines()[0] == "a,b,c,label"
    assert len(out.splitlines()) == 3
    assert err.strip() == "141", err  # 128 + SIGPIPE, and not a word on stderr


def test_stdin_errors_are_one_line_before_reading(tmp_path, csv_file):
    cases = {
        f"{CMD} resample - - --target label < /dev/null": "input '-' is empty",
        f"{CMD} resample - - --target label <&-": "stdin is a terminal (or closed)",
        f"cat in.csv | {CMD} resample - out.csv --target label --order interleave": (
            "--order interleave reads INPUT twice, but stdin (INPUT -) can be read only once"
        ),
        f"cat in.csv | {CMD} resample - out.csv --target label --method borderline1": (
            "--method borderline1 reads INPUT twice"
        ),
        f"cat in.csv | {CMD} resample - out.csv --target y": "'y' not found",
        f"cat in.csv | {CMD} resample - out.csv --target label --dtype z=float64": (
            "--dtype names column(s) ['z'] that stdin does not have"
        ),
        f"head -n 1 in.csv | {CMD} resample - - --target label --strategy '{{\"1\": 9}}'": (
            "stdin (INPUT -) has a header but no rows"
        ),
        f"printf 'a,a,label\\n1,2,0\\n' | {CMD} inspect - --target label": (
            "duplicate column names ['a']"
        ),
    }
    for script, needle in cases.items():
        code, out, err = shell(script, tmp_path)
        assert code == 2, (script, err)
        lines = err.splitlines()
        assert len(lines) == 1 and lines[0].startswith("streamsmote: error: "), (script, err)
        assert needle in lines[0], (script, lines[0])
        assert out == b""
    assert sorted(os.listdir(tmp_path)) == ["in.csv"]


def test_stdin_options_and_inspect(tmp_path, csv_file):
    make_frame().to_csv(tmp_path / "semi.csv", sep=";", index=False)
    code, out, err = shell(
        f"cat semi.csv | {CMD} resample - - --target label --seed 0 --sep ';' "
        "--dtype c=float64 --strategy '{\"1\": 1000}' --overwrite",
        tmp_path,
    )
    assert code == 0, err
    back = pd.read_csv(io.BytesIO(out))
    assert back["c"].dtype == np.float64
    assert back["label"].value_counts().to_dict() == {0: 3000, 1: 1000}

    code, out, err = shell(f"cat in.csv | {CMD} inspect - --target label --json", tmp_path)
    assert code == 0, err
    code, from_file, _ = shell(f"{CMD} inspect in.csv --target label --json", tmp_path)
    assert code == 0
    assert pd.read_json(io.BytesIO(out), typ="series")["class_counts"] == {
        "0": 3000,
        "1": 150,
    }
    assert out.split(b'"seconds"')[0] == from_file.split(b'"seconds"')[0]

    code, out, err = shell(
        f"cat in.csv | {CMD} inspect - --target label --method adasyn", tmp_path
    )
    assert code == 0, err
    assert "class counts" in out.decode()
    assert err.startswith("streamsmote: warning: --method adasyn may make fewer rows")


# ---------------------------------------------------------------------------------------------
# the demo
# ---------------------------------------------------------------------------------------------

NO_PYARROW = """
import sys
sys.modules["pyarrow"] = None  # `import pyarrow` (and pyarrow.*) now raises ImportError
from streamsmote.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_demo_without_pyarrow_goes_through_csv_and_says_so(tmp_path):
    out = tmp_path / "demo"
    done = subprocess.run(
        [sys.executable, "-c", NO_PYARROW, "demo", "--rows", "20000", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    first = done.stdout.splitlines()[0]
    assert first.startswith("pyarrow is not installed, so the demo goes through CSV")
    assert 'pip install "streamsmote[parquet]"' in first
    assert sorted(os.listdir(out)) == ["balanced.csv", "demo.png", "imbalanced.csv"]
    after = pd.read_csv(out / "balanced.csv", usecols=["label", "synthetic"])
    counts = after["label"].value_counts()
    assert counts[0] == counts[1] and after["synthetic"].any()


def test_demo_plot_draws_the_majority_faintly_behind(tmp_path, monkeypatch):
    from matplotlib.figure import Figure

    figures = []
    monkeypatch.setattr(Figure, "savefig", lambda fig, path: figures.append(fig))
    rng = np.random.default_rng(0)
    X = np.r_[rng.normal(size=(500, 3)) * 3, rng.normal(size=(40, 3)) + 5]
    y = np.r_[np.zeros(500, int), np.ones(40, int)]
    synthetic = rng.normal(size=(60, 3)) + 5
    batches = [
        Batch(X, y, np.zeros(len(y), bool)),
        Batch(synthetic, np.ones(60, int), np.ones(60, bool)),
    ]
    tap = Tap(batches, 1, 40, 60, size=100, expected_other=500)
    assert sum(len(b[1]) for b in tap) == 600
    assert len(tap.real) == 40 and len(tap.synthetic) == 60 and 60 < len(tap.other) < 140
    plot_demo(tmp_path / "p.png", tap.real, tap.synthetic, {0: 500, 1: 40}, {0: 500, 1: 500},
              label=1, other=tap.other)  # fmt: skip
    (fig,) = figures
    scatter = fig.axes[0].collections
    assert [c.get_label().split(" (")[0] for c in scatter] == ["class 0", "real", "synthetic"]
    assert scatter[0].get_alpha() < scatter[1].get_alpha()  # faint, and drawn first (behind)
    assert len(scatter[0].get_offsets()) == len(tap.other)


def test_stdin_with_passthrough_and_provenance(tmp_path):
    frame = make_frame()
    frame.insert(0, "id", np.arange(len(frame)) + 10_000)
    frame.to_csv(tmp_path / "ids.csv", index=False)
    code, out, err = shell(
        f"cat ids.csv | {CMD} resample - - --target label --seed 0 --passthrough id "
        "--passthrough-fill parent --provenance",
        tmp_path,
    )
    assert code == 0, err
    back = pd.read_csv(io.BytesIO(out), dtype={"parent_row": "Int64", "neighbor_row": "Int64"})
    assert back.columns.tolist() == [
        "id",
        "a",
        "b",
        "c",
        "label",
        "parent_row",
        "neighbor_row",
        "gap",
    ]
    syn = back[back["parent_row"].notna()]
    parents = syn["parent_row"].to_numpy(int)
    np.testing.assert_array_equal(syn["id"].to_numpy(), frame["id"].to_numpy()[parents])
    A = frame[["a", "b"]].to_numpy()
    nb = syn["neighbor_row"].to_numpy(int)
    rebuilt = A[parents] + syn["gap"].to_numpy()[:, None] * (A[nb] - A[parents])
    np.testing.assert_allclose(syn[["a", "b"]].to_numpy(), rebuilt, rtol=0, atol=1e-12)
