"""What rounds announce to the apps above them (webhooks), which it never imports."""

from django.dispatch import Signal

# Sent inside the transaction that opened or closed it: `reporting_round`.
round_opened = Signal()
round_closed = Signal()
