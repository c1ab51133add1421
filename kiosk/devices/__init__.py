"""Hardware the kiosk drives, each behind a small protocol with a closed status type and a fake.

The printer and scanner import no Qt: their code runs in worker threads and in ``kiosk doctor``. The audio
devices (the speaker, the staff-call chime) are Qt's own (QtTextToSpeech, QtMultimedia), loaded lazily so that
a kiosk without sound libraries still starts, silent.
"""
