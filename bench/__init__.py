"""Benchmarks: `bench/bench_<topic>.py` with a `main()`, run by `python -m bench.run`."""
