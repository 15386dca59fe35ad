"""The documentation builds with warnings as errors, and its examples run.

The same command as in the README (``python -m sphinx -W --keep-going -b html docs OUT``), so
a docstring that numpydoc cannot parse, a public object missing from the API reference, or a
README link to a file that does not exist fails the test suite.
"""

import doctest
import html as html_module
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import streamsmote

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
VARIANTS = ("smote", "smotenc", "smoten", "borderline", "adasyn", "svm", "kmeans")
PAGES = ("index", "guide", "api", "cli", "benchmarks", "variants/index") + tuple(
    f"variants/{v}" for v in VARIANTS
)
# Pages whose ``>>>`` examples are run here (Sphinx renders them but does not run them).
EXAMPLE_PAGES = sorted(p for p in DOCS.rglob("*.rst") if ">>>" in p.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def html(tmp_path_factory):
    out = tmp_path_factory.mktemp("html")
    done = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html", "docs", out],
        cwd=ROOT,
        env={**os.environ, "PYTHONWARNINGS": "ignore::DeprecationWarning"},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, (
        f"sphinx exited with {done.returncode}\n--- stdout\n{done.stdout}\n"
        f"--- stderr\n{done.stderr}"
    )
    return out


def _page(html, name):
    path = html / f"{name}.html"
    assert path.is_file(), f"{path.name} was not built; built: {sorted(html.rglob('*.html'))}"
    return path.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", PAGES)
def test_page_is_built(html, name):
    assert "</html>" in _page(html, name)


def test_every_public_name_has_an_entry(html):
    text = "".join(_page(html, name) for name in PAGES)
    names = [f"streamsmote.{n}" for n in streamsmote.__all__]
    names += ["streamsmote.dask.resample", "streamsmote.river.SMOTEClassifier"]
    missing = [n for n in names if f'id="{n}"' not in text]
    assert not missing, f"no documentation entry for {missing}"


def test_variant_pages_document_their_sampler(html):
    for page, cls in zip(
        VARIANTS,
        ("SMOTE", "SMOTENC", "SMOTEN", "BorderlineSMOTE", "ADASYN", "SVMSMOTE", "KMeansSMOTE"),
        strict=True,
    ):
        text = _page(html, f"variants/{page}")
        assert f'id="streamsmote.{cls}"' in text, page
        assert "doi:" in text and "section" in text, f"{page}: no paper citation"
        assert f'id="streamsmote.{cls}.resample_chunks"' in text, f"{page}: no shared methods"


def _headings(markdown):
    return re.findall(r"^#{2,3} (.+)$", markdown, re.M)


def test_readme_and_results_are_included_not_copied(html):
    # Every heading of the current files is on its page: the pages include the files.
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    results = (ROOT / "benchmarks" / "RESULTS.md").read_text(encoding="utf-8")
    for source, page in ((readme, "guide"), (results, "benchmarks")):
        text = html_module.unescape(re.sub(r"<[^>]+>", "", _page(html, page)))
        # Sphinx's smart quotes turn ' and " into typographic ones
        text = " ".join(
            text.translate(str.maketrans("\u2018\u2019\u201c\u201d", "''\"\"")).split()
        )
        for heading in _headings(source):
            plain = " ".join(re.sub(r"[`*]", "", heading).split())
            assert plain in text, f"{page}.html lacks the heading {heading!r}"
    # README links to repository files resolve to a page or a download, never a dead link.
    guide = _page(html, "guide")
    assert 'href="benchmarks.html"' in guide
    assert re.search(r'href="_downloads/[0-9a-f]+/partial_fit_sgd\.py"', guide)


def test_cli_page_shows_the_current_help(html):
    text = _page(html, "cli")
    for command in ("resample", "inspect", "demo"):
        assert f"usage: streamsmote {command}" in text
    assert "--mark-synthetic" in text


@pytest.mark.parametrize("page", EXAMPLE_PAGES, ids=[p.stem for p in EXAMPLE_PAGES])
def test_page_examples_run(page):
    result = doctest.testfile(
        str(page),
        module_relative=False,
        optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE,
        verbose=False,
    )
    assert result.attempted > 0
    assert result.failed == 0, f"{result.failed} example(s) of {page.name} failed (see above)"
