"""Dynamic batching: sentences of concurrent requests gathered into one decode.

A request's sentences wait at most ``max_wait`` seconds (or until ``max_batch`` sentences
are waiting) for others to join, then all go to the run core in one call, which pools and
batches them as `tarjama batch` does. One decode runs at a time (the model is one), so
while it runs the next batch fills up, and it waits a moment for the clients the last decode
answered (`Batcher._loop`): many single-sentence clients decode in full batches.
The queue is bounded in sentences; past it a request is refused (`Busy`, HTTP 429) instead
of growing memory. A decode that raises is retried in halves (`Batcher._decode`): one bad
sentence fails its own request, never the others it was batched with. A request may name a
glossary (``key``, a DeepL ``glossary_id``): the batch is decoded in one call per key, so each
request gets its own glossary enforced and the others theirs.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Hashable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from tarjama.run.core import Translated
from tarjama.sources import Sentence

Work = Callable[[Sequence[Sentence], Hashable], dict[str, Translated]]
Item = tuple[list[Sentence], "asyncio.Future[dict[str, Translated]]", Hashable]


EXTRA_WAIT = 0.05  # seconds a batch may wait for the clients the last one answered


class Busy(Exception):
    """The queue is full: the client should retry later."""


@dataclass
class Stats:
    requests: int = 0
    batches: int = 0
    sentences: int = 0  # sentences answered
    decoded: int = 0  # sentences the model translated (not from memory)
    memory_hits: int = 0
    largest_batch: int = 0
    decoding: float = 0.0  # seconds the decoder was busy (against wall time: how idle it stood)
    waits: list[float] = field(default_factory=list, repr=False)


class Batcher:
    def __init__(
        self, work: Work, max_batch: int = 32, max_wait: float = 0.005, max_queue: int = 512
    ) -> None:
        self.work = work
        self.max_batch = max_batch
        self.max_wait = max_wait
        self.max_queue = max_queue
        self.stats = Stats()
        self._queue: asyncio.Queue[Item] | None = None
        self._pending = 0  # sentences queued or being decoded
        self._task: asyncio.Task[None] | None = None
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="tarjama-decode")

    async def start(self) -> None:
        self._queue = asyncio.Queue()
        self._task = asyncio.create_task(self._loop())

    async def stop(self) -> None:
        """Finish what is queued (a draining server answers the requests it accepted), then stop."""
        if self._queue is not None:
            while self._pending:
                await asyncio.sleep(0.01)
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        self._executor.shutdown(wait=True)

    async def submit(self, sentences: list[Sentence], key: Hashable = None) -> dict[str, Translated]:
        assert self._queue is not None, "the batcher is not started"
        n = max(len(sentences), 1)
        if self._pending and self._pending + n > self.max_queue:
            raise Busy(f"{self._pending} sentences are waiting (the queue holds {self.max_queue})")
        self._pending += n
        self.stats.requests += 1
        future: asyncio.Future[dict[str, Translated]] = asyncio.get_running_loop().create_future()
        await self._queue.put((sentences, future, key))
        return await future

    async def _loop(self) -> None:
        """Gather a batch, decode it, again. Requests that came while the last batch decoded are
        queued at once, but the clients it just answered (one sentence a request, as Weblate and
        the load test send) come back only milliseconds later: while fewer requests are here
        than were active at the end of the last decode (``active``: its requests and those that
        queued meanwhile), the batch waits a little longer for them (a quarter of the last
        decode, at most ``EXTRA_WAIT``), so the decoder stays full instead of splitting the
        clients into two half batches that alternate. A lone client has ``active`` 1 and never
        waits longer; ``max_wait`` 0 turns the wait off."""
        assert self._queue is not None
        loop = asyncio.get_running_loop()
        active, last_decode = 0, 0.0
        while True:
            items = [await self._queue.get()]
            count = len(items[0][0])
            now = loop.time()
            deadline = now + self.max_wait
            patient = deadline + min(EXTRA_WAIT, last_decode / 4) if self.max_wait > 0 else deadline
            while count < self.max_batch:
                try:
                    item = self._queue.get_nowait()
                except asyncio.QueueEmpty:
                    left = (patient if len(items) < active else deadline) - loop.time()
                    if left <= 0:
                        break
                    try:
                        item = await asyncio.wait_for(self._queue.get(), left)
                    except TimeoutError:
                        break
                items.append(item)
                count += len(item[0])
            started = loop.time()
            try:
                await self._decode(items)
            finally:
                self._pending -= sum(max(len(batch), 1) for batch, _, _ in items)
            last_decode = loop.time() - started
            active = len(items) + self._queue.qsize()

    async def _decode(self, items: list[Item]) -> None:
        groups: dict[Hashable, list[Item]] = {}
        for item in items:
            groups.setdefault(item[2], []).append(item)
        for group in groups.values():
            await self._decode_group(group)

    async def _decode_group(self, items: list[Item]) -> None:
        """Decode the items' sentences together; if that raises, halve the items and decode
        each half again, so that only a request whose own sentences fail gets the error and
        every other request of the batch its answer (k failing requests of n cost about
        2k·log2(n) extra, smaller, decodes; a batch that fails as a whole, say out of memory,
        may succeed in halves)."""
        loop = asyncio.get_running_loop()
        sentences = [s for batch, _, _ in items for s in batch]
        began = loop.time()
        try:
            result = await loop.run_in_executor(self._executor, self.work, sentences, items[0][2])
        except Exception as exc:
            if len(items) == 1:
                if not items[0][1].done():
                    items[0][1].set_exception(exc)
                return
            half = len(items) // 2
            await self._decode_group(items[:half])
            await self._decode_group(items[half:])
            return
        self.stats.decoding += loop.time() - began
        self.stats.batches += 1
        self.stats.largest_batch = max(self.stats.largest_batch, len(sentences))
        self.stats.sentences += len(result)
        self.stats.decoded += sum(t.via == "mt" for t in result.values())
        self.stats.memory_hits += sum(t.via == "memory" for t in result.values())
        for _, future, _ in items:
            if not future.done():
                future.set_result(result)
