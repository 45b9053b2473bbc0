"""Tools run by hand or by the benchmarks: `python -m scripts.<name>` from the repository."""
