"""The one error type the reader raises for a workspace that does not match its index."""


class ShardError(Exception):
    """A shard file that cannot be read as its index describes it (missing, cut short,
    corrupted, or holding other counts than the index says). The message names the file
    and, where it applies, the byte offset of the frame."""
