"""Least privilege for Google user data: the registry of operations and their minimal scopes
(:mod:`scopes.registry`), the guard every call passes (:mod:`scopes.guard`) and the manifests generated
from the registry (:mod:`scopes.manifest`). Run ``dsar scopes list`` to see them."""
