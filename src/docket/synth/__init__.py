"""Synthetic world generator: a fictional province with ground truth."""
