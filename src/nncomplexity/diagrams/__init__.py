"""Diagrams a teacher would draw, drawn by code: one module per diagram.

Each function returns a matplotlib figure with alt text attached
(:func:`nncomplexity.plotting.add_alt_note`), readable in the book's light and
dark themes, and rendered offline. Presentation layer: may use the kernels, the
counts and the measurements; nothing below imports it.
"""
