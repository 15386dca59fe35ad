"""Sphinx configuration of streamsmote's documentation.

Build it from the repository root (``pip install ".[docs]"`` first)::

    python -m sphinx -W --keep-going -b html docs docs/_build/html

``tests/test_docs.py`` runs the same command, so a warning fails the test suite.
"""

import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
# Document the checkout this file belongs to, not whatever streamsmote is installed.
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(DOCS / "_ext"))

import streamsmote  # noqa: E402

project = "streamsmote"
copyright = "streamsmote developers, BSD-3-Clause"
release = version = streamsmote.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "numpydoc",
    "myst_parser",
    "streamsmote_docs",
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build"]

# Every object is documented by an explicit autodoc directive (the variant pages and api.rst);
# autosummary only draws the summary tables, so the build writes nothing into docs/.
autosummary_generate = False
autodoc_member_order = "bysource"
autodoc_typehints = "none"
# numpydoc's own member tables would repeat the autodoc ``:members:`` listing.
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
# "int or nearest-neighbours object, default=5" is prose, not a cross-reference.
numpydoc_xref_param_type = False

# The README and RESULTS.md are written for GitHub: plain CommonMark plus tables.
myst_heading_anchors = 3

html_theme = "alabaster"
html_title = f"streamsmote {release}"
html_theme_options = {
    "description": "Numba-fast, memory-bounded, streaming SMOTE",
    "fixed_sidebar": True,
    "page_width": "1180px",
    "sidebar_width": "240px",
    # --help texts and README commands run to 80-95 columns: let them fit the page
    "code_font_size": "0.85em",
}
html_sidebars = {"**": ["about.html", "navigation.html", "searchbox.html"]}
html_static_path = []

# numpydoc's checks that a docstring can fail without a warning from Sphinx: every public
# object has a docstring (GL08), with its sections known and in order (GL06, GL07), and every
# parameter of the signature is documented, no other (PR01, PR02), each as "name : type"
# (PR10). Under ``-W`` a failure stops the build.
numpydoc_validation_checks = {"GL06", "GL07", "GL08", "PR01", "PR02", "PR10"}
