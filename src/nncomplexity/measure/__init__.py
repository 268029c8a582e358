"""Honest measurement: timing with warm-up and repeats, power-law fits, machine stamps."""
