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

RUN useradd --create-home app
USER app
EXPOSE 8000
CMD ["sh", "-c", "python manage.py migrate --noinput && gunicorn -c gunicorn.conf.py blogapp.wsgi"]
