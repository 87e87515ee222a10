"""The subject access package (Art. 15(3)): the subject's data as a verifiable ZIP with a readable report."""
from __future__ import annotations

from .manifest import PackageError, verify_package
from .package import PackageResult, build_package, export_log, exports_dir

__all__ = ["PackageError", "PackageResult", "build_package", "export_log", "exports_dir", "verify_package"]
