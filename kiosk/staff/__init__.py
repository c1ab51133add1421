"""Staff mode without widgets: the PIN gate in front of it and the end-of-day report staff print before closing.

Qt-free (an import-linter contract covers ``kiosk.staff``): the staff flow and its screens sit above this.
"""
