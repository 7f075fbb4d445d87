"""Benchmarks of the indexer and the service: ``python -m bench [--out FILE] [--quick]``.

Measures, on this machine, the index build (cold and warm embedding cache), HTTP latency
of /search and /ask against a real ``python -m service`` subprocess, a load test, and the
two retrieval stores on synthetic 10k / 100k passage collections. Nothing is asserted:
the numbers are written to a Markdown report.
"""
