"""Reproducible speed and memory benchmarks of kpilib against hand-written code."""
