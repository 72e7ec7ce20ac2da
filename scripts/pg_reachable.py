"""Exit 0 when a PostgreSQL server answers at the URL given, 1 (with the reason) otherwise."""

import sys

import psycopg

try:
    with psycopg.connect(sys.argv[1], connect_timeout=3) as conn:
        conn.execute("SELECT 1")
except psycopg.Error as exc:
    print(f"PostgreSQL unreachable: {str(exc).strip().splitlines()[0]}", file=sys.stderr)
    sys.exit(1)
