"""Speed and memory benchmarks (`make bench`); the targets live in `benchmarks/run.py`."""
