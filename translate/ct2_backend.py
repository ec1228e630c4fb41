"""MarianMT through CTranslate2: the checkpoint is converted once (CTranslate2's own converter) and cached.

The cache is keyed by model id, revision and stored weight type, so a new hub revision
or an edited local checkpoint is converted again and an unchanged one never is. Source
text is tokenised with the checkpoint's own SentencePiece models (the same pieces
MarianTokenizer produces), so translating needs neither torch nor transformers.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import sys
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz

from tarjama.errors import ModelNotAvailable, TarjamaError
from tarjama.glossary.check import OPENERS, check_hypothesis
from tarjama.translate.backend import DecodeSettings, length_sorted_batches
from tarjama.translate.model_source import ModelSource

MAX_OUTPUT_TOKENS = 512
EOS = "</s>"
UNK = "<unk>"
WORD_START = "\u2581"  # SentencePiece's word-boundary mark
# Glossary repair (see repair_spans): a run of words at least this similar to a missing term
# (rapidfuzz ratio, 0-100) is taken for the model's own spelling of it: misspelt names score
# 88-94 ("Jiang"/"Giang", "Tha"/"The"), unrelated words of the same length under 60.
SPELLING_SIMILARITY = 70
SPELLING_CANDIDATES = 2  # best-matching runs (not overlapping) tried, each replaced by the term
PUNCTUATION = ".,;:!?\"'()[]«»“”‘’"
MAX_INSERT_SPOTS = 16  # places tried when nothing in the output looks like the term
TERM_SLACK = 8  # extra output tokens a forced term may need
CT2_FILES = ("model.bin", "config.json", "shared_vocabulary.json")

# What each compute type stores on disk: quantised weights are stored quantised (a smaller file,
# lower peak memory while loading); float16/bfloat16 keep their own precision.
STORED_WEIGHTS = {
    "int8": "int8",
    "int8_float32": "int8",
    "int8_float16": "int8",
    "int8_bfloat16": "int8",
    "int16": "int16",
    "float16": "float16",
    "bfloat16": "bfloat16",
    "float32": "float32",
}


def cache_root() -> Path:
    """``$TARJAMA_CACHE``, else ``$XDG_CACHE_HOME/tarjama``, else ``~/.cache/tarjama``."""
    if env := os.environ.get("TARJAMA_CACHE", "").strip():
        return Path(env).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME", "").strip()
    return (Path(xdg).expanduser() if xdg else Path.home() / ".cache") / "tarjama"


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "--", text).strip("-.") or "model"


# Bumped whenever tarjama changes how a checkpoint is converted, so older conversions are redone.
CONVERSION_FORMAT = "v2"


def converted_dir(source: ModelSource, stored: str) -> Path:
    """Where this checkpoint version's conversion lives: ct2/<model>/<revision>/<weights>-<format>."""
    return (
        cache_root()
        / "ct2"
        / _slug(source.model_id)
        / _slug(source.revision)
        / f"{stored}-{CONVERSION_FORMAT}"
    )


def resolve_compute_type(compute_type: str, device: str) -> str:
    import ctranslate2

    if compute_type in ("default", "auto", ""):
        compute_type = "int8" if device == "cpu" else "int8_float16"
    supported = ctranslate2.get_supported_compute_types(device)
    if compute_type not in STORED_WEIGHTS or compute_type not in supported:
        raise TarjamaError(
            f"--compute-type {compute_type} is not supported by CTranslate2 on {device} "
            f"(supported here: {', '.join(sorted(supported))})"
        )
    return compute_type


def ensure_converted(source: ModelSource, stored: str) -> Path:
    """Convert once into the cache; concurrent runs wait on a lock, and a crash leaves no partial model."""
    from filelock import FileLock

    target = converted_dir(source, stored)
    if all((target / f).is_file() for f in CT2_FILES):
        return target
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise TarjamaError(
            f"cannot create the CTranslate2 cache ({exc.strerror})", path=target.parent
        ) from None
    with FileLock(str(target) + ".lock"):
        if all((target / f).is_file() for f in CT2_FILES):
            return target
        tmp = Path(tempfile.mkdtemp(prefix=f".{stored}.", dir=target.parent))
        try:
            _convert(source, tmp, stored)
            if target.exists():  # an incomplete leftover from an older tarjama
                shutil.rmtree(target)
            os.replace(tmp, target)
        finally:
            with contextlib.suppress(FileNotFoundError):
                shutil.rmtree(tmp)
    return target


def _convert(source: ModelSource, out: Path, stored: str) -> None:
    import transformers
    from ctranslate2.converters import TransformersConverter

    transformers.logging.set_verbosity_error()
    transformers.utils.logging.disable_progress_bar()
    try:
        with _pad_start_folded():
            TransformersConverter(str(source.path)).convert(
                str(out), quantization=None if stored == "float32" else stored, force=True
            )
    except (OSError, ValueError, KeyError, NotImplementedError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ModelNotAvailable(f"CTranslate2 cannot convert this model: {first}", path=source.path) from None


@contextlib.contextmanager
def _pad_start_folded():
    """Convert Marian checkpoints whose <pad> embedding is not zero without changing what they say.

    transformers starts the decoder from the <pad> embedding; CTranslate2's Marian loader
    starts it from a zero vector, which is only the same model when that row is zero (true
    of the original OPUS-MT conversions). Fine-tuning with tied embeddings moves the row
    (the output layer trains it), and such a model then decodes differently in CTranslate2:
    BLEU 71 instead of 95 on the model `tarjama finetune` trains on the example. Step 0 is
    the only place that embedding enters, so adding it (scaled, as transformers scales
    token embeddings) to the decoder's position-0 encoding makes both engines compute the
    same first input. CTranslate2 has no option for this, hence the loader override.
    """
    import ctranslate2.converters.transformers as ct2_transformers
    import torch

    base = ct2_transformers.MarianMTLoader

    class FoldedStartLoader(base):
        def set_decoder(self, spec, decoder):
            super().set_decoder(spec, decoder)
            start = decoder.embed_tokens.weight[decoder.padding_idx].detach() * decoder.embed_scale
            if torch.count_nonzero(start):
                encodings = torch.as_tensor(spec.position_encodings.encodings).clone()
                encodings[0] += start.to(encodings.dtype)
                spec.position_encodings.encodings = encodings

    loaders = ct2_transformers._MODEL_LOADERS
    previous = loaders.get("MarianConfig")
    loaders["MarianConfig"] = FoldedStartLoader()
    try:
        yield
    finally:
        loaders["MarianConfig"] = previous


def model_max_length(path: Path) -> int:
    """The same cap the transformers backend uses: generation max_length, positions, 512."""

    config, gen = _read_json(path / "config.json"), _read_json(path / "generation_config.json")
    gen_max = gen.get("max_length") or config.get("max_length") or MAX_OUTPUT_TOKENS
    positions = config.get("max_position_embeddings") or MAX_OUTPUT_TOKENS
    return min(int(gen_max), int(positions), MAX_OUTPUT_TOKENS)


def output_budget(source_tokens: int, model_max: int) -> int:
    """Identical to the transformers backend's budget, so both stop runaway output at the same length."""
    return max(8, min(model_max, 2 * source_tokens + 10))


@dataclass
class _Repair:
    """A sentence whose glossary terms the n-best list did not satisfy, and its current best output."""

    k: int
    src: list[str]
    budget: int
    required: list[str]
    hyp: list[str]

    def missing_term(self, text: str) -> str | None:
        missing = check_hypothesis(self.required, text).missing
        return next((t for t in self.required if t in missing), None)


@contextlib.contextmanager
def _torch_threads_kept() -> Iterator[None]:
    """Opening a Translator sets the calling thread's OpenMP thread count to its intra_threads,
    and when torch is loaded that is torch's libgomp too: a transformers model run later in the
    same process (``tarjama compare`` with systems on both backends) would get one thread."""
    torch = sys.modules.get("torch")
    threads = torch.get_num_threads() if torch is not None else None
    try:
        yield
    finally:
        if torch is not None and threads is not None and torch.get_num_threads() != threads:
            torch.set_num_threads(threads)


class CTranslate2Backend:
    name = "ct2"

    def __init__(self, source: ModelSource, settings: DecodeSettings | None = None) -> None:
        import ctranslate2
        import sentencepiece as spm

        settings = settings or DecodeSettings(backend="ct2")
        if settings.device.startswith("cuda") and ctranslate2.get_cuda_device_count() == 0:
            raise TarjamaError("--device cuda was asked for but no CUDA device is available")
        self.source = source
        self.settings = settings
        self.compute_type = resolve_compute_type(settings.compute_type, settings.device)
        self.model_dir = ensure_converted(source, STORED_WEIGHTS[self.compute_type])
        self.model_max = model_max_length(source.path)
        positions = (
            _read_json(source.path / "config.json").get("max_position_embeddings") or MAX_OUTPUT_TOKENS
        )
        self.hard_max = min(int(positions) - 1, MAX_OUTPUT_TOKENS)  # how far a term repair may grow
        self.term_stats: Counter[str] = Counter()  # n_best / repaired / unresolved sentences
        gen = _read_json(source.path / "generation_config.json")
        self.min_length = int(gen.get("min_new_tokens") or 0)
        self._src = spm.SentencePieceProcessor(model_file=str(source.path / "source.spm"))
        self._tgt = spm.SentencePieceProcessor(model_file=str(source.path / "target.spm"))
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
        # On CPU, one batch per core (inter_threads) rather than every core on one batch
        # (intra_threads): a Marian-sized model's matrices are too small to split well. Measured
        # on 2 cores, opus-mt shape, int8 (benchmarks/throughput.py): beam 4 13.8 -> 18.8
        # sent/s, greedy 34.7 -> 60.4 sent/s.
        inter, intra = (cores, 1) if settings.device == "cpu" else (1, 0)
        # batch_size counts the sentences decoded at once, as on the transformers backend, so
        # memory stays the same: each call's batch is split between the workers.
        self.per_worker = max(1, -(-settings.batch_size // inter))
        try:
            with _torch_threads_kept():
                self.translator = ctranslate2.Translator(
                    str(self.model_dir),
                    device=settings.device,
                    compute_type=self.compute_type,
                    inter_threads=inter,
                    intra_threads=intra,
                )
        except (RuntimeError, ValueError) as exc:
            raise ModelNotAvailable(
                f"CTranslate2 cannot load the converted model: {exc}", path=self.model_dir
            ) from None

    def encode(self, sentences: Sequence[str]) -> list[list[str]]:
        """Pieces as MarianTokenizer makes them: source SentencePiece, truncated, then </s>."""
        keep = self.model_max - 1
        return [[*pieces[:keep], EOS] for pieces in self._src.encode(list(sentences), out_type=str)]

    def decode(self, tokens: Sequence[str]) -> str:
        # The vocabulary is shared, so the model can emit source-side pieces (a copied name)
        # that target.spm does not know and leaves with their word mark; MarianTokenizer
        # turns those marks into spaces, and so must we to produce the same text.
        text = self._tgt.decode_pieces([t for t in tokens if t not in (EOS, UNK)])
        return text.replace(WORD_START, " ").strip()

    def translate(self, sentences: Sequence[str], terms: Sequence[Sequence[str]] | None = None) -> list[str]:
        """Decode in length-sorted batches; sentences that owe glossary terms get the repair below."""
        if not sentences:
            return []
        tokens = self.encode(sentences)
        terms = terms or [()] * len(tokens)
        out: list[str] = [""] * len(tokens)
        # Every batch is queued at once so CTranslate2's workers decode them in parallel;
        # results are then taken (and repaired, if terms are missing) batch by batch.
        queued = []
        for batch in length_sorted_batches([len(t) for t in tokens], self.per_worker):
            src = [tokens[i] for i in batch]
            owed = [list(terms[i]) for i in batch]
            budgets = [output_budget(len(t), self.model_max) for t in src]
            n_best = self.settings.beam if any(owed) else 1
            queued.append((batch, src, owed, budgets, self._submit(src, max(budgets) - 1, n_best)))
        for batch, src, owed, budgets, pending in queued:
            results = [[list(h) for h in p.result().hypotheses] for p in pending]
            texts = self._finish_batch(src, owed, budgets, results)
            for i, text in zip(batch, texts, strict=True):
                out[i] = text
        return out

    def _finish_batch(
        self,
        batch: list[list[str]],
        owed: list[list[str]],
        budgets: list[int],
        results: list[list[list[str]]],
    ) -> list[str]:
        n_best = self.settings.beam if any(owed) else 1
        for k, budget in enumerate(budgets):
            # past its own budget (EOS counts, as in transformers): redone alone within it
            if len(results[k][0]) >= budget:
                results[k] = self._run([batch[k]], budget - 1, n_best)[0]
        chosen = [hyps[0] for hyps in results]
        repair = [
            _Repair(k, batch[k], budgets[k], owed[k], hyps[0])
            for k, hyps in enumerate(results)
            if owed[k] and not self._pick_n_best(owed[k], hyps, chosen, k)
        ]
        for _ in range(max((len(r.required) for r in repair), default=0)):
            todo = [r for r in repair if r.missing_term(self.decode(r.hyp))]
            if not todo:
                break
            self._repair_round(todo)
        for r in repair:
            chosen[r.k] = r.hyp
            ok = not r.missing_term(self.decode(r.hyp))
            self.term_stats["repaired" if ok else "unresolved"] += 1
        return [self.decode(h) for h in chosen]

    def _pick_n_best(self, required: list[str], hyps: list[list[str]], chosen: list, k: int) -> bool:
        """Glossary step 1: the best hypothesis of the n-best list whose post-check passes."""
        for hyp in hyps:
            if check_hypothesis(required, self.decode(hyp)).ok:
                chosen[k] = hyp
                self.term_stats["n_best"] += 1
                return True
        return False

    def _repair_round(self, todo: list[_Repair]) -> None:
        """Glossary step 2, one missing term per sentence; all sentences share each model call.

        a. Put the term where ``repair_spans`` says (over a misspelt rendering of it, or at a
           word start) and let the model score each candidate: the best wins (no decoding).
        b. Where the term was inserted, force the output up to that place, the term and the
           word that stood there (so no letters get glued onto the term) as a ``target_prefix``
           and decode the rest, so the model can drop its own rendering that may follow.
        The candidate with the fewest missing and duplicated terms, then the best mean
        log-probability, becomes the sentence's output.
        """
        wanted = [r.missing_term(self.decode(r.hyp)) or "" for r in todo]
        terms = [self._tgt.encode(t, out_type=str) for t in wanted]
        inserted: list[list[list[str]]] = []
        # per sentence: candidate -> where an inserted term ends (None: it replaced a rendering)
        term_end: list[dict[tuple[str, ...], int | None]] = []
        for r, text, term in zip(todo, wanted, terms, strict=True):
            ends: dict[tuple[str, ...], int | None] = {}
            for a, b in repair_spans(r.hyp, text, self.decode, keep=[t for t in r.required if t != text]):
                placed = self._after_opener(r.hyp[a - 1] if a else "", term)
                cand = (*r.hyp[:a], *placed, *r.hyp[b:])
                if len(cand) < self.hard_max:  # scoring needs room for EOS within the positions
                    ends.setdefault(cand, a + len(placed) if a == b else None)
            inserted.append([list(c) for c in ends])
            term_end.append(ends)
        best = self._best_candidates(todo, inserted)
        sources, prefixes, owners, limit = [], [], [], 0
        for n, r in enumerate(todo):
            cand = best.get(n)
            if cand is None:
                continue
            end = term_end[n][tuple(cand)]
            # inserted, not at the very end: re-decode what follows, where the model's own
            # rendering of the term may stand (a replaced rendering leaves nothing to drop)
            if end is not None and end < len(cand):
                sources.append(r.src)
                prefixes.append(cand[: end + 1])
                owners.append(n)
                limit = max(limit, min(self.hard_max - 1, max(r.budget - 1, len(cand) + TERM_SLACK)))
        decoded: list[list[list[str]]] = [
            [c] if (c := best.get(n)) is not None else [] for n in range(len(todo))
        ]
        if prefixes:
            results = self.translator.translate_batch(
                sources,
                target_prefix=prefixes,
                beam_size=self.settings.beam,
                max_decoding_length=limit,
                max_input_length=0,
            )
            for n, res in zip(owners, results, strict=True):
                if len(res.hypotheses[0]) < self.hard_max:
                    decoded[n].append(res.hypotheses[0])
        for n, cand in self._best_candidates(todo, decoded).items():
            todo[n].hyp = cand

    def _after_opener(self, previous: str, term: list[str]) -> list[str]:
        """The term's pieces glued to an opening bracket or quote before it, as SentencePiece
        writes "(Hanoi" ("▁(", "Hanoi"), when the vocabulary has the unmarked piece."""
        mark = previous.removeprefix(WORD_START)
        if not (mark and all(c in OPENERS for c in mark) and term and term[0].startswith(WORD_START)):
            return term
        glued = term[0].removeprefix(WORD_START)
        if not glued or self._tgt.piece_to_id(glued) == self._tgt.unk_id():
            return term
        return [glued, *term[1:]]

    def _best_candidates(
        self, todo: list[_Repair], candidates: list[list[list[str]]]
    ) -> dict[int, list[str]]:
        """Per sentence: fewest missing + duplicated terms, then best mean log-probability (one score call)."""
        flat = [(n, c) for n, cands in enumerate(candidates) for c in cands]
        if not flat:
            return {}
        # in batches, as decoding is: one batch of hundreds of long candidates is several
        # times slower (padding) and leaves all but one worker idle
        pending = self.translator.score_batch(
            [todo[n].src for n, _ in flat],
            [c for _, c in flat],
            max_batch_size=self.per_worker,
            max_input_length=0,
            asynchronous=True,
        )
        scores = [p.result() for p in pending]
        best: dict[int, tuple[tuple[int, float], list[str]]] = {}
        for (n, cand), score in zip(flat, scores, strict=True):
            check = check_hypothesis(todo[n].required, self.decode(cand))
            logp = score.log_probs
            key = (
                sum(check.missing.values()) + sum(check.duplicated.values()),
                -sum(logp) / max(1, len(logp)),
            )
            if n not in best or key < best[n][0]:
                best[n] = (key, cand)
        return {n: cand for n, (_, cand) in best.items()}

    def _run(self, batch: list[list[str]], max_length: int, n_best: int = 1) -> list[list[list[str]]]:
        return [[list(h) for h in p.result().hypotheses] for p in self._submit(batch, max_length, n_best)]

    def _submit(self, batch: list[list[str]], max_length: int, n_best: int = 1) -> list:
        return self.translator.translate_batch(
            batch,
            beam_size=self.settings.beam,
            num_hypotheses=min(n_best, self.settings.beam),
            max_decoding_length=max_length,
            min_decoding_length=min(self.min_length, max_length),
            max_input_length=0,
            asynchronous=True,
        )


def repair_spans(
    hyp: Sequence[str], term: str, decode: Callable[[Sequence[str]], str], keep: Sequence[str] = ()
) -> list[tuple[int, int]]:
    """Where a missing term may go in ``hyp``: (start, end) piece spans that the term replaces.

    A model that misses a term has usually written it otherwise ("Dang Hoang Jiang" for
    "Dang Hoang Giang", "Hanoi Agreement" for "Hanoi Convention"): the runs of whole words most
    like the term (``_likeness`` >= SPELLING_SIMILARITY) are replaced by it; a run holding one
    of the sentence's other terms (``keep``: "United Nations Convention against Cybercrime" looks
    like "United Nations Convention against Transnational Organized Crime") is never replaced. When nothing looks
    like the term, it may go before any word or at the end, at most MAX_INSERT_SPOTS places
    spread over the output, since each candidate costs a full scoring pass.
    """
    starts = [i for i, piece in enumerate(hyp) if piece.startswith(WORD_START)] or [0]
    bounds = [*starts, len(hyp)]

    def windows(n: int) -> Iterator[tuple[int, int, str]]:
        for w in range(len(bounds) - n):
            yield bounds[w], bounds[w + n], decode(hyp[bounds[w] : bounds[w + n]])

    # a kept term inside the missing one ("Hanoi" in "Hanoi Convention") survives the replacement;
    # an occurrence of the missing term itself (owed twice, written once) must stay whole
    protect = [*(k for k in keep if k not in term), term]
    kept = [(a, b) for k in protect for a, b, text in windows(len(k.split())) if k in text]

    def breaks_a_kept_term(a: int, b: int) -> bool:
        if a == b:  # an insertion breaks a term it lands inside
            return any(ka < a < kb for ka, kb in kept)
        return any(a < kb and ka < b for ka, kb in kept)

    width = len(term.split())
    found: list[tuple[float, int, int]] = []
    for n in {max(1, width - 1), width, width + 1}:
        for a, b, text in windows(n):
            similarity = _likeness(text, term)
            if similarity >= SPELLING_SIMILARITY and not breaks_a_kept_term(a, b):
                found.append((similarity, a, b))
    spans: list[tuple[int, int]] = []
    for _, a, b in sorted(found, key=lambda f: -f[0]):  # the likeliest renderings, not overlapping
        if len(spans) < SPELLING_CANDIDATES and all(b <= sa or sb <= a for sa, sb in spans):
            while b - 1 > a and not hyp[b - 1].strip(WORD_START + PUNCTUATION):
                b -= 1  # "Agreement" ")" ".": the closing marks stay
            while a + 1 < b and not hyp[a].strip(WORD_START + PUNCTUATION):
                a += 1  # "(" "Hanoi": so does the opening one
            spans.append((a, b))
    if spans:
        return spans
    spots = [i for i in bounds if not breaks_a_kept_term(i, i)]
    if len(spots) > MAX_INSERT_SPOTS:
        spots = _spread(spots, MAX_INSERT_SPOTS)
    return [(i, i) for i in spots]


def _likeness(text: str, term: str) -> float:
    """How much ``text`` looks like ``term`` written otherwise (0-100): character similarity, or,
    for a name of several words, the share of its words found in place ("Hanoi Agreement" is a
    rendering of "Hanoi Convention", though only 58% alike by characters)."""
    similarity = fuzz.ratio(text.lower(), term.lower())
    core = text.strip(PUNCTUATION + " ")
    mine = core.lower().split()
    theirs = [w.lower() for w in term.split()]
    # in place: "Hanoi (Hanoi" shares a word with "Hanoi Convention" but is two things
    if len(theirs) > 1 and len(mine) == len(theirs) and not any(c in PUNCTUATION for c in core):
        same = sum(x == y for x, y in zip(mine, theirs, strict=True))
        if 2 * same >= len(theirs):
            similarity = max(similarity, SPELLING_SIMILARITY)
    return similarity


def _spread(items: list[int], k: int) -> list[int]:
    """``k`` items evenly spaced over ``items``, first and last included."""
    return [items[round(j * (len(items) - 1) / (k - 1))] for j in range(k)]


def _read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
