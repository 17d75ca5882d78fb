"""Deterministic writers: CSV (UTF-8 or GB18030, any delimiter), JSON lines, Parquet."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from docket.synth.render import Source, keys


def finalize(rng: np.random.Generator, src: Source) -> Source:
    """Shuffle the rows (person sources) and put the record-key column first."""
    t = src.table
    n = t.num_rows
    order = rng.permutation(n) if src.shuffle else np.arange(n)
    t = t.take(pa.array(order))
    person = src.person[order] if src.person is not None else None
    tag = src.tag[order] if src.tag is not None else np.zeros(n, np.int32)
    if src.key_column and src.key_column not in t.column_names:
        base = int(rng.integers(10 ** (src.key_width - 2), 10 ** (src.key_width - 1)))
        t = t.add_column(0, src.key_column, keys(src.key_prefix, n, src.key_width, base))
    elif src.key_column:
        col = t[src.key_column]
        t = t.drop_columns([src.key_column]).add_column(0, src.key_column, col)
    return Source(src.stem, t, src.key_column, person, tag, shuffle=False)


def write_csv(
    table: pa.Table, path: Path, *, encoding: str = "utf-8", delimiter: str = ","
) -> None:
    """Header + rows; strings quoted; GB18030 re-encoded from UTF-8."""
    sink = pa.BufferOutputStream()
    if delimiter == ",":
        pacsv.write_csv(
            table, sink, pacsv.WriteOptions(include_header=True, quoting_style="needed")
        )
        data = sink.getvalue().to_pybytes()
    else:
        opts = pacsv.WriteOptions(include_header=False, delimiter=delimiter, quoting_style="none")
        pacsv.write_csv(table, sink, opts)
        data = (delimiter.join(table.column_names) + "\n").encode() + sink.getvalue().to_pybytes()
    if encoding.lower() != "utf-8":
        data = data.decode("utf-8").encode(encoding)
    path.write_bytes(data)


_CONTROL = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(arr: pa.Array) -> pa.Array:
    """JSON string escaping, vectorised (rare control characters as \\u00XX)."""
    for raw, escaped in _CONTROL.items():
        arr = pc.replace_substring(arr, raw, escaped)
    if pc.any(pc.match_substring_regex(arr, "[\\x00-\\x1f\\x7f]")).as_py():
        for code in [*range(0x20), 0x7F]:
            if chr(code) not in _CONTROL:
                arr = pc.replace_substring(arr, chr(code), f"\\u{code:04x}")
    return arr


def _json_value(col: pa.ChunkedArray | pa.Array) -> pa.Array:
    arr = col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col
    if pa.types.is_string(arr.type):
        text = pc.binary_join_element_wise('"', _escape(arr), '"', "")
    else:
        text = pc.cast(arr, pa.string())
    return pc.fill_null(text, "null")


def write_jsonl(table: pa.Table, path: Path) -> None:
    """One JSON object per line, keys in column order, UTF-8 (non-ASCII kept)."""
    parts: list[pa.Array | str] = []
    for i, name in enumerate(table.column_names):
        parts.append(("{" if i == 0 else ",") + json.dumps(name, ensure_ascii=False) + ":")
        parts.append(_json_value(table.column(i)))
    parts.append("}\n")
    lines = pc.cast(pc.binary_join_element_wise(*parts, ""), pa.large_string())
    if isinstance(lines, pa.ChunkedArray):
        lines = lines.combine_chunks()
    # The lines lie end to end in the array's data buffer: write that span as it is.
    offsets = np.frombuffer(lines.buffers()[1], dtype=np.int64)[
        lines.offset : lines.offset + len(lines) + 1
    ]
    data = lines.buffers()[2]
    with path.open("wb") as f:
        if len(lines) and data is not None:
            f.write(memoryview(data)[int(offsets[0]) : int(offsets[-1])])


def write_parquet(table: pa.Table, path: Path) -> None:
    """Zstd-compressed Parquet; nothing time-dependent in the file."""
    pq.write_table(table, path, compression="zstd", write_statistics=True)
