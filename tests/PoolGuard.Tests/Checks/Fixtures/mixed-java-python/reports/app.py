import os

from sqlalchemy import create_engine

# The URL comes from the environment (.env beside this file); the pool is sized here.
engine = create_engine(
    os.environ["DATABASE_URL"],
    pool_size=10,
    max_overflow=20,
    pool_timeout=10,
)
