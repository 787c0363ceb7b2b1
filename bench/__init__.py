"""Benchmarks of the assistant on loopback: NLU quality, speed under load, growth, memory, start-up.

Run with `python -m bench` (or `make bench`); see bench/README.md. Every speed figure is a ratio
against a reference measured in the same run, because absolute numbers on a shared 2-core
machine are noise.
"""
