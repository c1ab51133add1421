"""Customer journeys as state machines, free of Qt so that they are tested without widgets."""
