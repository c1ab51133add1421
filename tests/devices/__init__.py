"""Device drivers driven for real: through FIFOs, pseudo-terminals and fake transports, never hardware."""
