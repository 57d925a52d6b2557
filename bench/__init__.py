"""Benchmarks of SPEC section 19 (``make bench`` runs ``bench/run.py``)."""
