"""Machine translation: find a checkpoint, the backend registry (transformers, CTranslate2) and
what every backend shares (batching, budgets, glossary enforcement while decoding, sentences
too long for the model, approved forms its vocabulary cannot spell), and a Marian built from
scratch (`finetune --from-scratch`, the tests' tiny model). Reading and segmenting articles is
`tarjama.sources`; running documents through a model into catalogs is the run core,
`tarjama.run`; the command line is `tarjama.cli`."""
