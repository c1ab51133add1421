"""The kiosk's promises (a bill collected once, a request delivered once, ...) checked from the files that hold
the truth, read as an auditor would read them: :mod:`.reading` reads, :mod:`.payments` and :mod:`.requests` judge."""
