"""The run core and the article-level entry points every command (and later service or worker) calls."""

from tarjama.run.articles import (
    Resources,
    expand_inputs,
    load_glossary,
    open_resources,
    run_batch,
    translate_articles,
)
from tarjama.run.core import (
    ArticleReport,
    Model,
    NoProgress,
    Progress,
    Run,
    RunOptions,
    RunReport,
    token_budget_batches,
    translate_pool,
)

__all__ = [
    "ArticleReport",
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
    "run_batch",
    "token_budget_batches",
    "translate_articles",
    "translate_pool",
]
