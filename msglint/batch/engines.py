"""Where chunks are processed: in this process, or on a Dask cluster. Both write the same rows
in the same order; the Dask engine keeps a bounded number of chunks in flight."""

from __future__ import annotations

import itertools
from collections import deque
from typing import Iterable, Iterator

from ..errors import MsglintError
from .job import JobSpec, process_chunk


def local_engine(chunks: Iterable[list], spec: JobSpec, templates: dict | None) -> Iterator[tuple[list, list]]:
    for chunk in chunks:
        yield process_chunk(chunk, spec, templates)


def dask_engine(chunks: Iterable[list], spec: JobSpec, templates: dict | None, *,
                scheduler: str | None, workers: int) -> Iterator[tuple[list, list]]:
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise MsglintError("--engine dask needs dask.distributed: pip install '.[dask]' in msglint's checkout") from None
    cluster = None
    if scheduler:
        client = Client(scheduler)
    else:
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)
        client = Client(cluster)
    try:
        # Templates are analysed once, here, and sent to each worker once.
        shared = client.scatter(templates, broadcast=True) if templates is not None else None
        in_flight: deque = deque()
        window = 2 * max(len(client.scheduler_info().get("workers", {})), 1)
        iterator = iter(chunks)
        for chunk in itertools.islice(iterator, window):
            in_flight.append(client.submit(process_chunk, chunk, spec, shared, pure=False))
        while in_flight:
            result = in_flight.popleft().result()
            for chunk in itertools.islice(iterator, 1):
                in_flight.append(client.submit(process_chunk, chunk, spec, shared, pure=False))
            yield result
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
