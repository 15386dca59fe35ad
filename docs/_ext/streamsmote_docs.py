"""Sphinx helpers of streamsmote's documentation.

* ``.. command-help:: resample`` inserts the ``--help`` text of ``streamsmote resample``
  (``.. command-help::`` alone: of ``streamsmote``), produced at build time by the checkout
  being documented, so the page cannot drift from the parser in ``streamsmote/cli.py``.
* Links of README.md to files of the repository (``benchmarks/RESULTS.md``,
  ``examples/partial_fit_sgd.py``) are written for a reader of the repository; in the included
  copy they go to the page that includes the file, or else become a download of the file.
* After reading, every public name must have been documented somewhere: the names in
  ``streamsmote.__all__`` and the public classes and functions of the modules in
  ``PUBLIC_MODULES``. A missing one is a warning (an error under ``-W``) that says where to
  add it, so a new public object cannot silently stay out of the API reference.
"""

import importlib
import inspect
import os
import subprocess
import sys
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import Directive
from sphinx import addnodes
from sphinx.util import logging

logger = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[2]

# Public modules besides the top-level package: each public class or function defined in them
# must be documented under its full name (e.g. ``streamsmote.dask.resample``).
PUBLIC_MODULES = (
    "streamsmote.dask",
    "streamsmote.torch",
    "streamsmote.river",
)


# Repository files that a page of these docs includes whole: a link to one goes to its page.
INCLUDED = {"README.md": "guide", "benchmarks/RESULTS.md": "benchmarks"}


class CommandHelp(Directive):
    """``.. command-help:: [SUBCOMMAND]``: the command's ``--help`` output as a literal block."""

    optional_arguments = 1
    has_content = False

    def run(self):
        args = [*self.arguments, "--help"]
        # A fixed width, so the page does not depend on the terminal of whoever builds it.
        env = {**os.environ, "COLUMNS": "80", "PYTHONPATH": str(ROOT)}
        done = subprocess.run(
            [sys.executable, "-m", "streamsmote", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        if done.returncode != 0:
            raise self.error(
                f"'python -m streamsmote {' '.join(args)}' exited with {done.returncode}:\n"
                f"{done.stderr}"
            )
        text = done.stdout.rstrip()
        block = nodes.literal_block(text, text)
        block["language"] = "text"
        return [block]


def repository_links(app, doctree):
    """Point the README's links to repository files at their page or at a download."""
    srcdir = Path(app.srcdir)
    for node in list(doctree.findall(addnodes.pending_xref)):
        # MyST leaves a local link it cannot place as a pending reference of type "myst"
        # without a domain; resolved later, it would be a "target not found" warning.
        if node.get("reftype") != "myst" or node.get("refdomain"):
            continue
        target = node["reftarget"]
        path = ROOT / target
        if "://" in target or not path.is_file():
            continue  # an unknown target keeps MyST's warning
        docname = INCLUDED.get(target)
        if docname is None and path.parent == srcdir:
            docname = app.env.path2doc(str(path))
        if docname is not None:
            node["refdomain"] = "doc"
            node["reftarget"] = docname
            node["reftargetid"] = None
            continue
        here = (srcdir / app.env.docname).parent
        download = addnodes.download_reference(
            "", "", *node.children, reftarget=os.path.relpath(path, here), refexplicit=True
        )
        node.replace_self(download)


def _public_names():
    import streamsmote

    names = {f"streamsmote.{name}" for name in streamsmote.__all__}
    for module_name in PUBLIC_MODULES:
        try:
            module = importlib.import_module(module_name)
        except ImportError as exc:  # its message names the extra to install
            logger.warning("cannot check %s: %s", module_name, exc, type="streamsmote")
            continue
        for name in getattr(module, "__all__", None) or dir(module):
            obj = getattr(module, name)
            if name.startswith("_") or not (inspect.isclass(obj) or inspect.isfunction(obj)):
                continue
            if obj.__module__ == module_name:
                names.add(f"{module_name}.{name}")
    return names


def check_documented(app, env):
    """Warn about each public name that no page documents, and say where it goes."""
    documented = set(env.get_domain("py").objects)
    for name in sorted(_public_names() - documented):
        logger.warning(
            "%s is public but documented nowhere: add it to docs/api.rst (a summary row and an "
            "autodoc directive in its section), or to a page of docs/variants/ for a sampler",
            name,
            type="streamsmote",
            subtype="undocumented",
        )


def setup(app):
    app.add_directive("command-help", CommandHelp)
    app.connect("env-check-consistency", check_documented)
    # before Sphinx's own doctree-read handlers (500), which collect the download files
    app.connect("doctree-read", repository_links, priority=400)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
