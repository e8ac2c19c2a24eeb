#!/usr/bin/env python
"""Convenience entry point; the installed `vivera` command does the same."""

from vivera.manage import main

if __name__ == "__main__":
    main()
