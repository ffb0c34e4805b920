"""Synthetic municipalities for demos, tests and benchmarks (see ``generate``)."""

from stuurdata.synth.generate import SynthSummary, generate

__all__ = ["SynthSummary", "generate"]
