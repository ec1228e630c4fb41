"""Machine translation: find a checkpoint, the backend registry (transformers, CTranslate2) and
what every backend shares (batching, budgets, glossary enforcement while decoding, sentences
too long for the model). Reading and segmenting articles is `tarjama.sources`; the command
line is `tarjama.cli`."""
