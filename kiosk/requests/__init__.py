"""Service requests and outage reports: the form, the durable outbox and its courier."""
