"""Every script in examples/ runs to completion and prints something."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = sorted((Path(__file__).resolve().parent.parent / "examples").glob("*.py"))
# Generous: a fresh environment compiles numba kernels (and pynndescent, ~1 min) on first use.
TIMEOUT = 600


@pytest.mark.parametrize("script", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_example_runs(script, tmp_path):
    env = {**os.environ, "MPLBACKEND": "Agg", "PYTHONWARNINGS": "ignore::DeprecationWarning"}
    try:
        done = subprocess.run(
            [sys.executable, str(script)],
            cwd=tmp_path,  # whatever an example writes lands in a temporary directory
            env=env,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
        )
    except subprocess.TimeoutExpired as exc:
        pytest.fail(f"{script.name} did not finish within {TIMEOUT} s; output:\n{exc.stdout}")
    assert done.returncode == 0, (
        f"{script.name} exited with {done.returncode}\n--- stdout\n{done.stdout}\n"
        f"--- stderr\n{done.stderr}"
    )
    assert done.stdout.strip(), f"{script.name} printed nothing"


def test_readme_python_blocks_run(tmp_path):
    """The ```python blocks of README.md, run in order in one namespace, in a temp directory."""
    readme = Path(__file__).resolve().parent.parent / "README.md"
    blocks = re.findall(r"```python\n(.*?)```", readme.read_text(encoding="utf-8"), re.S)
    assert blocks, "README.md has no python code blocks"
    script = tmp_path / "readme_blocks.py"
    script.write_text(
        "\n".join(f"# --- block {i}\n{block}" for i, block in enumerate(blocks)),
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, str(script)],
        cwd=tmp_path,
        env={**os.environ, "MPLBACKEND": "Agg"},
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    assert done.returncode == 0, f"--- stdout\n{done.stdout}\n--- stderr\n{done.stderr}"
