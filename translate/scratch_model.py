"""Build a Marian checkpoint from nothing: SentencePiece vocabularies trained on the data, random weights.

Used by `tarjama finetune --from-scratch`, by the benchmarks and by the tests, which
need a real model in the exact opus-mt layout (source.spm, target.spm, vocab.json,
config.json, model.safetensors) without any download.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # transformers is imported when a model is built
    from transformers import MarianConfig


@dataclass(frozen=True)
class ScratchConfig:
    d_model: int = 32
    layers: int = 1
    heads: int = 2
    ffn: int = 64
    vocab_size: int = 300  # per side; SentencePiece may return fewer on tiny data
    max_positions: int = 256
    max_length: int = 128
    num_beams: int = 4
    seed: int = 0
    dropout: float = 0.1  # 0 lets a tiny model memorise a tiny domain in few steps (finetune --from-scratch)


def train_sentencepiece(lines: Iterable[str], vocab_size: int, seed: int = 0) -> bytes:
    """A unigram model with Marian's special ids: eos=0 '</s>', unk=1 '<unk>', no bos/pad."""
    import sentencepiece as spm

    buf = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(list(lines)),
        model_writer=buf,
        vocab_size=vocab_size,
        model_type="unigram",
        character_coverage=1.0,
        eos_id=0,
        unk_id=1,
        bos_id=-1,
        pad_id=-1,
        eos_piece="</s>",
        unk_piece="<unk>",
        hard_vocab_limit=False,
        num_threads=1,
        minloglevel=2,
    )
    return buf.getvalue()


def pieces(model_proto: bytes) -> list[str]:
    import sentencepiece as spm

    sp = spm.SentencePieceProcessor(model_proto=model_proto)
    return [sp.id_to_piece(i) for i in range(sp.get_piece_size())]


def shared_vocab(source_pieces: Sequence[str], target_pieces: Sequence[str]) -> dict[str, int]:
    """One joint vocabulary as opus-mt uses, with its own '<pad>' last (= decoder start)."""
    vocab: dict[str, int] = {}
    for p in ("</s>", "<unk>", *source_pieces, *target_pieces):
        vocab.setdefault(p, len(vocab))
    vocab.pop("<pad>", None)
    vocab["<pad>"] = len(vocab)
    return vocab


def marian_config(vocab_size: int, pad_id: int, cfg: ScratchConfig) -> MarianConfig:
    from transformers import MarianConfig

    return MarianConfig(
        vocab_size=vocab_size,
        d_model=cfg.d_model,
        encoder_layers=cfg.layers,
        decoder_layers=cfg.layers,
        encoder_attention_heads=cfg.heads,
        decoder_attention_heads=cfg.heads,
        encoder_ffn_dim=cfg.ffn,
        decoder_ffn_dim=cfg.ffn,
        max_position_embeddings=cfg.max_positions,
        pad_token_id=pad_id,
        decoder_start_token_id=pad_id,
        eos_token_id=0,
        forced_eos_token_id=0,
        activation_function="swish",
        dropout=cfg.dropout,
        scale_embedding=True,
        share_encoder_decoder_embeddings=True,
        # opus-mt's config.json has it (positions are sinusoidal either way); transformers 5
        # keeps such an extra key but no longer declares it. max_length and num_beams go to
        # the GenerationConfig below: a config takes no decoding settings in transformers 5.
        static_position_embeddings=True,  # type: ignore[call-arg]
    )


def build_scratch_model(
    out_dir: Path, sources: Sequence[str], targets: Sequence[str], cfg: ScratchConfig = ScratchConfig()
) -> Path:
    """Write a random-weight Marian checkpoint with tokenizers trained on ``sources``/``targets``."""
    import torch
    import transformers
    from transformers import GenerationConfig, MarianMTModel, MarianTokenizer

    transformers.utils.logging.disable_progress_bar()

    out_dir.mkdir(parents=True, exist_ok=True)
    src_proto = train_sentencepiece(sources, cfg.vocab_size, cfg.seed)
    tgt_proto = train_sentencepiece(targets, cfg.vocab_size, cfg.seed)
    (out_dir / "source.spm").write_bytes(src_proto)
    (out_dir / "target.spm").write_bytes(tgt_proto)
    vocab = shared_vocab(pieces(src_proto), pieces(tgt_proto))
    (out_dir / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False, indent=1), encoding="utf-8")
    tokenizer = MarianTokenizer(
        str(out_dir / "source.spm"),
        str(out_dir / "target.spm"),
        str(out_dir / "vocab.json"),
        source_lang="ar",
        target_lang="en",
    )
    torch.manual_seed(cfg.seed)
    config = marian_config(len(vocab), vocab["<pad>"], cfg)
    model = MarianMTModel(config)
    model.generation_config = GenerationConfig(
        decoder_start_token_id=vocab["<pad>"],
        pad_token_id=vocab["<pad>"],
        eos_token_id=0,
        forced_eos_token_id=0,
        bad_words_ids=[[vocab["<pad>"]]],
        max_length=cfg.max_length,
        num_beams=cfg.num_beams,
    )
    model.save_pretrained(out_dir)
    tokenizer.save_pretrained(out_dir)
    return out_dir
