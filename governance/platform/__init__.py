"""Infrastructure shared by every app: bulk reads and writes, caching, uploads, jobs, errors.

Nothing here knows a domain object: the domain apps build on this package, never the reverse.
"""
