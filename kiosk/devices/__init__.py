"""Hardware the kiosk drives, each behind a small protocol with a closed status type and a fake.

Nothing here imports Qt: device code runs in worker threads and in ``kiosk doctor``.
"""
