"""The Qt bindings themselves: a kiosk runs for weeks, so a binding that leaks or over-frees on every call
would bring it down."""

from __future__ import annotations

import sys

from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QApplication, QLabel


def test_calling_qt_keeps_python_objects_alive(qapp: QApplication) -> None:
    # PySide6 6.12.0 on CPython 3.11 released None once per void call: the process aborted after some thousands.
    label = QLabel()
    image = QImage(16, 16, QImage.Format.Format_RGB32)
    before = sys.getrefcount(None)
    for _ in range(1000):
        label.setText("x")
        label.setVisible(False)
    painter = QPainter(image)
    for _ in range(1000):
        painter.fillRect(0, 0, 4, 4, QColor("#000000"))
    painter.end()
    assert abs(sys.getrefcount(None) - before) < 50
