"""`sj batch --scheduler ADDRESS`: the same batch on a Dask distributed cluster.

Imported only with --scheduler; needs the optional extra, `pip install 'shuangjian-parse[dask]'`
(from a checkout of sj: `pip install '.[dask]'`), on the machine running `sj batch` and on every
worker. The parent reads the inputs and sends their bytes (so workers need no shared file
system), workers run batch.convert_chunk with the Parser they built once, and the parent writes
the outputs: the bytes are those of a local run.

    pool = DaskPool("tcp://10.0.0.5:8786", grammar_dir=None, max_bytes=20 << 20)
"""
from __future__ import annotations

from typing import Any, Iterator, Optional

from . import __version__
from .errors import install_hint
from .batch import BatchUsageError, Outcome, Task, convert_chunk, failed_outcomes


def worker_identity(grammar_dir: Optional[str]) -> tuple[str, str]:
    """Run on each worker: its sj version and grammar digest (and its Parser, built once)."""
    from . import __version__ as version
    from .batch import warm_up
    from .pipeline import parser_for

    parser = parser_for(grammar_dir)
    warm_up(parser)
    return version, parser.grammar.digest


class DaskPool:
    """Chunks of notices sent to a Dask cluster, a bounded number in flight."""

    chunk_size = 16
    connect_timeout = 20.0   # seconds to reach the scheduler
    workers_timeout = 60.0   # seconds to wait for a first worker
    needs_bytes = True   # workers may share no disk with us: send the bytes, get the text back

    def __init__(self, address: str, grammar_dir: Optional[str], max_bytes: int) -> None:
        try:
            from distributed import Client
        except ImportError:
            raise BatchUsageError(f"--scheduler needs Dask: {install_hint('dask')}") from None
        from .grammar import load_grammar

        self.grammar_dir = grammar_dir
        self.max_bytes = max_bytes
        self._pending: dict[Any, list[Task]] = {}
        try:
            self.client = Client(address, timeout=self.connect_timeout, set_as_default=False)
        except (OSError, TimeoutError) as exc:
            raise BatchUsageError(f"cannot reach the Dask scheduler at {address}: {exc}") from None
        try:
            self.client.wait_for_workers(1, timeout=self.workers_timeout)
            identities = self.client.run(worker_identity, grammar_dir)
        except Exception as exc:  # noqa: BLE001 - any failure here means the cluster cannot work
            self.client.close()
            raise BatchUsageError(f"the Dask workers at {address} cannot run sj "
                                  f"(install shuangjian-parse[dask] on every worker): "
                                  f"{type(exc).__name__}: {exc}") from None
        expected = (__version__, load_grammar(grammar_dir).digest)
        wrong = {w: tuple(i) for w, i in identities.items() if tuple(i) != expected}
        if wrong:
            self.client.close()
            worker, (version, digest) = next(iter(wrong.items()))
            raise BatchUsageError(f"Dask worker {worker} runs sj {version} with grammar {digest}; "
                                  f"this sj is {expected[0]} with grammar {expected[1]}: "
                                  "install the same version (and --grammars) everywhere")
        threads = sum(self.client.nthreads().values())
        self.window = max(4, 2 * threads)

    def imap_unordered(self, chunks: Iterator[list[Task]]) -> Iterator[list[Outcome]]:
        """Each chunk's outcomes as it completes; a chunk the cluster loses is reported failed."""
        from distributed import as_completed

        running = as_completed(loop=self.client.loop)

        def submit() -> bool:
            chunk = next(chunks, None)
            if chunk is None:
                return False
            future = self.client.submit(convert_chunk, chunk, self.grammar_dir, self.max_bytes,
                                        pure=False)
            self._pending[future] = chunk
            running.add(future)
            return True

        for _ in range(self.window):
            if not submit():
                break
        for future in running:
            chunk = self._pending.pop(future)
            try:
                outcomes = future.result()
            except Exception as exc:  # noqa: BLE001 - e.g. KilledWorker: the notices fail, not the batch
                outcomes = failed_outcomes(chunk, f"Dask task failed: {type(exc).__name__}: {exc}")
            future.release()
            yield outcomes
            submit()

    def close(self, cancel: bool = False) -> None:
        if cancel and self._pending:
            self.client.cancel(list(self._pending))
        self._pending.clear()
        self.client.close()
