FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=blogapp.settings.production

WORKDIR /app
# The locked, hash-checked dependencies (see the Makefile's `lock`), then the project.
COPY requirements.lock ./
RUN pip install --no-cache-dir --require-hashes --no-deps -r requirements.lock
COPY pyproject.toml README.md ./
COPY blogapp ./blogapp
COPY comments ./comments
RUN pip install --no-cache-dir --no-deps .
COPY . .
# collectstatic needs a key to import the settings, not a real one.
RUN SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput
# The translations' .mo files are built, not committed: gettext only for this step.
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext \
    && SECRET_KEY=compilemessages-only python manage.py compilemessages \
    && apt-get purge -y gettext && apt-get autoremove -y && rm -rf /var/lib/apt/lists/*

RUN useradd --create-home app
USER app
EXPOSE 8000
CMD ["sh", "-c", "python manage.py migrate --noinput && gunicorn -c gunicorn.conf.py blogapp.wsgi"]
