from kiosk.shell.pyside_imports import read_no_source_on_import

read_no_source_on_import()  # before the shell imports the rest of the kiosk
