"""Linli's settings plus one bare view (`/bench/bare/`), for the read benchmarks' servers.

    DJANGO_SETTINGS_MODULE=bench.served_settings gunicorn linli.wsgi:application

The bare view is the yardstick the benchmarks divide by: a plain Django view, through the same
middleware, reading 20 rows of the registry and answering them as JSON.
"""

from linli.settings import *  # noqa: F403

ROOT_URLCONF = "bench.served_urls"
