"""What the declarations app announces, so the apps above it keep what hangs off a declaration in step.

Declarations sit below reporting: they never import it. The loader sends these signals inside
its transaction, and reporting (its `apps.py`) connects the receivers that guard recorded reports,
create and remove implementations and recount the tallies.
"""

from django.dispatch import Signal

# Before a corrected text is written. Keyword arguments: `declaration`, `dropped_numbers` (the
# commitment numbers the new text no longer has) and `dropped_countries` (ids of the Member
# Countries it no longer names). A receiver returns a message saying why the change would
# destroy recorded data, or None; the loader refuses the text with the first message.
declaration_changing = Signal()

# After a declaration's commitments and signatories were written: `declaration`, `dropped_countries`.
declaration_changed = Signal()

# After an admin edit that may have added, moved or removed implementations behind the services'
# back (deleting a country, a declaration or a commitment, moving a commitment). No arguments.
structure_changed = Signal()
