"""Reference central server: the power company's central APIs, for demos and tests.

It shares only the committed contract (``contract/openapi.json``) and the VietQR codec
(:mod:`kiosk.customer.vietqr`) with the kiosk.
"""
