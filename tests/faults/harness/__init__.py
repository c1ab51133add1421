"""One fault harness for payments and requests: the demo central and its customers (:mod:`.central`), a kiosk's
payment side (:mod:`.payments`) and request side (:mod:`.requests`) in the test's process, and in a process of
its own to kill (:mod:`.kiosk_process`, driven by :mod:`.kill_driver`)."""
