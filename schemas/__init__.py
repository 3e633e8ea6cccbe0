"""The output contract: what lands in ``outputs/``, strict, closed and versioned."""

from schemas.records import RECORD_TYPES, SCHEMA_VERSION

__all__ = ["RECORD_TYPES", "SCHEMA_VERSION"]
