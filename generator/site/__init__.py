"""The register site's pages (issue 3): one module per page kind, each a ``pages.builder``.

``nav`` turns the generated paths into the MkDocs navigation (order in ``data/nav.yaml``),
``search_fold`` folds accents into the search index; the pages read the register model (``generator.model``).
"""
