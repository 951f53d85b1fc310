from sqlalchemy import create_engine
from sqlalchemy.pool import NullPool

engine = create_engine("postgresql://etl@db.internal:5432/shop", poolclass=NullPool)
