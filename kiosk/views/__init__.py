"""Screens: they display what they are given and emit what the customer asked for; nothing else."""
