import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "linli.settings")

application = get_wsgi_application()

# Import every view now (the URLconf is otherwise read on the first request): under gunicorn's
# --preload this happens once in the master, and the workers share it.
get_resolver().url_patterns  # noqa: B018
# What is loaded by now lives as long as the process: keep the collector from walking (and so
# writing to, and un-sharing) those objects in every forked worker.
gc.freeze()
