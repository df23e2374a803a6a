"""Shard frames: little-endian uint32 values in independent zstd frames with content
checksums (Sources/Store/ShardFile.swift). One example is one seek and one frame
decompression; the decompressor verifies each frame's checksum."""

from __future__ import annotations

import os
import sys
from array import array

import zstandard

from .errors import ShardError

# The array typecode of a 4-byte unsigned integer on this platform.
UINT32 = next(code for code in "IL" if array(code).itemsize == 4)


class FrameReader:
    """Reads and checks whole frames; keeps the last frame decoded (consecutive examples
    mostly share one). Not thread-safe and not fork-safe: one per process or worker."""

    def __init__(self, shards_dir: str):
        self.shards_dir = shards_dir
        self._files: dict[str, object] = {}
        self._pid = os.getpid()
        self._cached: tuple[str, int, array] | None = None
        self._decompressor = zstandard.ZstdDecompressor()

    def __getstate__(self):
        # Open files do not travel to spawned DataLoader workers; each reopens its own.
        return {"shards_dir": self.shards_dir}

    def __setstate__(self, state):
        self.__init__(state["shards_dir"])

    def close(self) -> None:
        for handle in self._files.values():
            handle.close()
        self._files.clear()
        self._cached = None

    def frame(self, shard: str, offset: int, length: int, values: int) -> array:
        """The decoded values of the frame at byte `offset` (`length` bytes) of `shard`,
        which the index says holds `values` values."""
        if self._cached is not None and self._cached[0] == shard and self._cached[1] == offset:
            return self._cached[2]
        path = os.path.join(self.shards_dir, shard)
        handle = self._file(shard, path)
        handle.seek(offset)
        data = handle.read(length)
        if len(data) != length:
            raise ShardError(f"{path}: frame at byte {offset} is cut short ({len(data)} of {length} bytes)")
        try:
            decoded = self._decode(data, values)
        except ShardError as e:
            raise ShardError(f"{path}: frame at byte {offset} ({length} bytes): {e}") from None
        self._cached = (shard, offset, decoded)
        return decoded

    def _decode(self, data: bytes, values: int) -> array:
        try:
            params = zstandard.get_frame_parameters(data)
        except zstandard.ZstdError as e:
            raise ShardError(f"not a zstd frame ({e})") from None
        # Without the checksum flag the decompressor has nothing to verify; pref always sets it.
        if not params.has_checksum:
            raise ShardError("the frame carries no content checksum")
        if params.content_size != values * 4:
            raise ShardError(f"frame declares {params.content_size} bytes, the index expects {values * 4}")
        stream = self._decompressor.decompressobj()
        try:
            raw = stream.decompress(data)
        except zstandard.ZstdError as e:
            raise ShardError(f"corrupted ({e})") from None
        if not stream.eof:
            raise ShardError("the frame ends before its last block")
        if stream.unused_data:
            raise ShardError(f"{len(stream.unused_data)} bytes after the frame's end inside the indexed length")
        if len(raw) != values * 4:
            raise ShardError(f"frame holds {len(raw)} bytes, expected {values * 4}")
        out = array(UINT32)
        out.frombytes(raw)
        if sys.byteorder != "little":
            out.byteswap()
        return out

    def _file(self, shard: str, path: str):
        if self._pid != os.getpid():
            # Forked (a DataLoader worker): the parent's descriptors share one file offset.
            self._files = {}
            self._cached = None
            self._pid = os.getpid()
        handle = self._files.get(shard)
        if handle is None:
            try:
                handle = open(path, "rb")
            except OSError as e:
                raise ShardError(f"{path}: shard file cannot be opened ({e.strerror})") from None
            self._files[shard] = handle
        return handle
