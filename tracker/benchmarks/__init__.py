"""Benchmark results (issue 13): the registry of benchmarks results are filed against, loaded at
start-up from ``commitments/benchmarks/registry.yaml``, and the ``tracker benchmarks`` commands."""
