"""Drive v3 in the sandbox: the store, the q language and its index, the loader and the endpoints."""
