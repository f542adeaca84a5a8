"""gradation: orient a patient with a mental-health problem to the right level of care."""

__version__ = "0.1.0"
