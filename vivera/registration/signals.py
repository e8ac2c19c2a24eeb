"""Signals of the registration for other parts of Vivera.

`changed` is sent by writes that bypass Django's model signals (`QuerySet.update`,
`bulk_create`): the monitor listens to it, and to the model signals, to know that its facts
for the municipality are out of date."""

from django.dispatch import Signal

# Arguments: municipality_id (int, or None for every municipality).
changed = Signal()
