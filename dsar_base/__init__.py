"""The layer below the product: the exception root with its exit codes, and the vocabulary (case types,
statuses, roles) that the audit seam, the scope registry and the workflow all speak. It imports nothing
from ``addon``, ``audit`` or ``scopes``, so those can depend on it without depending on each other."""
