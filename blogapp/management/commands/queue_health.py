"""queue_health

The worker container's health check (docker-compose.yml): exits 0 when PostgreSQL answers and
the task queue's oldest waiting task is younger than ``READYZ_QUEUE_MAX_AGE`` seconds, 1
otherwise (the workers are down, stuck, or cannot keep up). Prints the checks with -v 1 or more.
"""

import json

from django.core.management.base import BaseCommand, CommandError

from blogapp.health import readiness


class Command(BaseCommand):
    help = __doc__

    def handle(self, *args, verbosity, **options):
        ready, checks = readiness()
        if verbosity >= 1:
            self.stdout.write(json.dumps(checks))
        if not ready:
            raise CommandError("the task queue is not healthy", returncode=1)
