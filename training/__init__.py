"""Learn from reviews: fine-tune (or train from scratch) a Marian model on reviewed PO entries and TSV pairs."""
