"""gettext PO catalogs: what translators review, and the truth every re-run must respect."""
