"""Printed documents for the receipt printer: the document model, the six printouts, raster rendering,
the print journal and the service that prints off the GUI thread. Qt-free; see ``docs/printing.md``."""
