"""Exact cost counts (FLOPs, bytes) and measured counts to check them against."""
