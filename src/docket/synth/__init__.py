"""Synthetic world generator: a fictional province with ground truth.

`generate(out, people, seed, start, days, noise=None)` writes the agencies' source files
under `out/sources` and the ground truth under `out/truth`; see docs/synth.md.
"""

from docket.synth.config import NoiseConfig, SynthSummary
from docket.synth.world import FILES, PERSON_SOURCES, generate

__all__ = ["FILES", "PERSON_SOURCES", "NoiseConfig", "SynthSummary", "generate"]
