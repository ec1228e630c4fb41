"""The run core and the article-level entry points every command (and later service or worker) calls."""

from tarjama.run.articles import (
    Engine,
    LocalEngine,
    Resources,
    expand_inputs,
    load_glossary,
    open_resources,
    read_manifest,
    run_batch,
    translate_articles,
)
from tarjama.run.core import Run
from tarjama.run.decode import (
    DecodeBatch,
    Decoder,
    LocalDecoder,
    pool_batches,
    token_budget_batches,
    translate_pool,
)
from tarjama.run.options import Model, NoProgress, Progress, RunOptions
from tarjama.run.work import ArticleReport, RunReport

__all__ = [
    "ArticleReport",
    "DecodeBatch",
    "Decoder",
    "Engine",
    "LocalDecoder",
    "LocalEngine",
    "Model",
    "NoProgress",
    "Progress",
    "Resources",
    "Run",
    "RunOptions",
    "RunReport",
    "expand_inputs",
    "load_glossary",
    "open_resources",
    "pool_batches",
    "read_manifest",
    "run_batch",
    "token_budget_batches",
    "translate_articles",
    "translate_pool",
]
