"""Self-service kiosk for electricity customers in Vietnam."""

__version__ = "0.1.0"
