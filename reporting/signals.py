"""What reporting announces to the apps above it (notifications), which it never imports."""

from django.dispatch import Signal

# Sent inside the review's transaction, after the review is written: `review`.
update_reviewed = Signal()

# Sent inside the report's transaction, after the update and its evidence are written: `update`.
update_reported = Signal()
