"""tarjama: Arabic→English news translation with reviewed gettext catalogs.

The pipeline stages live in sibling folders of the repository and install as
subpackages: ``tarjama.translate`` (read, segment, MT, pipeline, CLI),
``tarjama.glossary``, ``tarjama.catalog`` (PO files) and ``tarjama.evaluation``.
"""

__version__ = "0.1.0"
