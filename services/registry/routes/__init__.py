"""HTTP routers of the registry, all under /sandbox/registry. Thin: parse, authorise, call, shape."""
