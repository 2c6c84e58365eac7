"""Time the login throttle on its database storage, with the counter table as a password
spraying attack leaves it: 100,000 live counters (one per guessed username).

Reports medians of: the check before a login (two counter reads), the count after a failed
one (two upserts, with the sweep of expired counters), a whole failed login through the app
(scrypt included, for scale), and the first failure after 100,000 counters expired together.

    .venv/bin/python benchmarks/login_throttle.py                 # SQLite in a temporary folder
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench .venv/bin/python benchmarks/login_throttle.py
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import insert, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from annotator import create_app  # noqa: E402
from annotator.accounts import hash_password  # noqa: E402
from annotator.extensions import get_engine, get_login_throttle, get_session  # noqa: E402
from annotator.migrate import upgrade_to_head  # noqa: E402
from annotator.models import RateLimitCounter, User  # noqa: E402
from annotator.rate_limit_storage import SWEEP  # noqa: E402


def fill(engine, rows: int, expires_at: float) -> None:  # type: ignore[no-untyped-def]
    """``rows`` counters as failed logins under guessed usernames leave them."""
    with engine.begin() as connection:
        for first in range(0, rows, 10_000):
            connection.execute(
                insert(RateLimitCounter),
                [
                    {
                        "key": f"LIMITER/login-account/{n:064x}/10/15/minute",
                        "count": 3,
                        "expires_at": expires_at,
                    }
                    for n in range(first, min(rows, first + 10_000))
                ],
            )


def median_ms(samples: list[float]) -> str:
    return f"{statistics.median(samples) * 1000:.2f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counters", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="login-throttle-"))
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{folder / 'bench.sqlite3'}"
    config = {"DATABASE_URL": url, "SECRET_KEY": "b" * 40, "INSTANCE_PATH": str(folder)}
    app = create_app({**config, "LOG_LEVEL": "ERROR"})
    with app.app_context():
        engine = get_engine()
        upgrade_to_head(engine)
        with engine.begin() as connection:
            connection.execute(text("DELETE FROM rate_limit_counters"))
            connection.execute(text("DELETE FROM users WHERE username LIKE 'bench%'"))
        db = get_session()
        password_hash = hash_password("a long enough password")
        db.add_all(
            User(username=f"bench{i:02}", role="annotator", password_hash=password_hash)
            for i in range(50)
        )
        db.commit()
        fill(engine, args.counters, time.time() + 3600)
        throttle = get_login_throttle()
        checks, counts = [], []
        for run in range(args.runs):
            name, address = f"bench{run % 50:02}", f"10.0.{run % 50}.1"
            began = time.perf_counter()
            throttle.seconds_to_wait(name, address)
            checks.append(time.perf_counter() - began)
            began = time.perf_counter()
            throttle.record_failure(name, address)
            counts.append(time.perf_counter() - began)
            throttle.forget(name, address)
        print(f"{engine.dialect.name}, {args.counters:,} live counters, 50 annotators:")
        print(f"  check before a login   median {median_ms(checks)}")
        print(f"  count a failed login   median {median_ms(counts)}")

    client = app.test_client()
    logins = []
    for run in range(min(args.runs, 40)):
        page = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)[1]  # type: ignore[index]
        began = time.perf_counter()
        client.post(
            "/login",
            data={"username": f"bench{run % 50:02}", "password": "wrong", "csrf_token": token},
            environ_base={"REMOTE_ADDR": f"10.1.{run}.1"},
        )
        logins.append(time.perf_counter() - began)
    print(f"  a failed login (POST)  median {median_ms(logins)} (scrypt included)")

    with app.app_context():
        engine = get_engine()
        with engine.begin() as connection:
            connection.execute(text("DELETE FROM rate_limit_counters"))
        fill(engine, args.counters, time.time() - 1)
        began = time.perf_counter()
        get_login_throttle().record_failure("bench00", "10.9.9.9")
        print(
            f"  first failure after {args.counters:,} counters expired (sweeps {SWEEP}): "
            f"{(time.perf_counter() - began) * 1000:.1f} ms"
        )
        with engine.begin() as connection:
            connection.execute(text("DELETE FROM rate_limit_counters"))
            connection.execute(text("DELETE FROM users WHERE username LIKE 'bench%'"))
        engine.dispose()


if __name__ == "__main__":
    main()
