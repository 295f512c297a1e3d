"""Signals of Một cửa điện tử.

`dossier_changed` is sent after every dossier transition commits (`transaction.on_commit`),
with keyword arguments ``dossier`` (the `Dossier`) and ``event`` (the `DossierEvent` just
recorded). The citizen portal listens to notify the owner.
"""

from django.dispatch import Signal

dossier_changed = Signal()
