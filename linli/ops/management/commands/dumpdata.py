"""`linli dumpdata`, Django's, without the models that have no table of their own.

django-rq registers an unmanaged `Dashboard` model (an admin page, no table), and a bare
`dumpdata` stopped at it with "no such table". Such models are left out unless named.
"""

from typing import Any

from django.apps import apps
from django.core.management.commands.dumpdata import Command as DumpDataCommand


class Command(DumpDataCommand):
    def handle(self, *app_labels: str, **options: Any) -> None:
        tableless = [
            model._meta.label
            for model in apps.get_models()
            if not model._meta.managed and not model._meta.proxy
        ]
        named = set(app_labels)
        options["exclude"] = [
            *(options.get("exclude") or []),
            *(
                label
                for label in tableless
                if label not in named and label.split(".")[0] not in named
            ),
        ]
        super().handle(*app_labels, **options)
