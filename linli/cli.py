"""The `linli` console script: Django's manage.py with Linli's settings already chosen."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "linli.settings")
    if len(sys.argv) > 1 and sys.argv[1] == "demo":
        # The demo serves plain HTTP on 127.0.0.1 and its accounts must work at once (SPEC §6):
        # no TLS-only cookies, and two-factor offered rather than forced. Explicit settings win.
        os.environ.setdefault("LINLI_HTTPS", "0")
        os.environ.setdefault("LINLI_REQUIRE_2FA", "0")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
