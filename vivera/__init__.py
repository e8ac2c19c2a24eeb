"""Vivera: registration, monitoring and collaboration for Dutch social neighbourhood teams."""
