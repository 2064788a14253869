"""Reusable UI pieces: data and callbacks in, no I/O."""
