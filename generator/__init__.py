"""ropa: the GDPR Article 30 record of processing activities kept as YAML, checked and published."""

from __future__ import annotations

__version__ = "0.1.0"
