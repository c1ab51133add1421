"""Small building blocks every screen uses, so that sizes and roles stay consistent."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton, QWidget


def label(role: str = "", *, wrap: bool = True, parent: QWidget | None = None) -> QLabel:
    widget = QLabel(parent)
    if role:
        widget.setProperty("role", role)
    widget.setWordWrap(wrap)
    widget.setTextFormat(Qt.TextFormat.PlainText)  # catalog text is never markup, customer data even less
    return widget


def button(role: str = "", *, parent: QWidget | None = None) -> QPushButton:
    widget = QPushButton(parent)
    if role:
        widget.setProperty("role", role)
    widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    return widget
