"""tarjama: Arabic→English news translation with reviewed gettext catalogs.

The pipeline stages live in sibling folders of the repository and install as
subpackages: ``tarjama.sources`` (read, check, segment), ``tarjama.glossary``,
``tarjama.translate`` (MT backends), ``tarjama.catalog`` (PO files),
``tarjama.evaluation`` and ``tarjama.training``. The run core (``tarjama.run``) and the
command line (``tarjama.cli``) live here; see docs/architecture.md.
"""

__version__ = "0.1.0"
