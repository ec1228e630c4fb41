"""Reading, segmenting and machine-translating Arabic articles, and the tarjama CLI."""
