import os

DEBUG = False

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "HOST": "db.internal",
        "PORT": "5432",
        "NAME": "shop",
        "USER": "pricing",
        "PASSWORD": os.environ["PRICING_DB_PASSWORD"],
        "OPTIONS": {
            "pool": {"min_size": 20, "max_size": 20, "timeout": 10},
        },
    },
    "legacy": {
        "ENGINE": "django.db.backends.postgresql",
        "HOST": "db.internal",
        "NAME": "legacy",
        "CONN_MAX_AGE": None,  # persistent, one per worker thread
    },
}
