"""Paying by QR: the payment journal, the keeper that follows each payment to its outcome exactly once, and
the checks a central's QR must pass before it is drawn."""
