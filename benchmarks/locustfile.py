"""Fifty annotators at work, for locust: each asks the queue for its next paragraph, opens it
and saves a realistic annotation of it, in a loop.

Run by ``load_annotators.py`` (which prepares the database, starts gunicorn and reads the
figures); on its own::

    LOAD_TOKENS=tokens.json LOAD_PACE=5 .venv/bin/locust -f benchmarks/locustfile.py \
        --headless -u 50 -r 50 -t 60s -H http://127.0.0.1:5000

``LOAD_TOKENS`` names a JSON list of API tokens, one per annotator (each simulated user takes
the next one); ``LOAD_PACE`` is the seconds each annotator's loop takes at the least
(0, the default: no think time, the server's capacity).

Paced, each annotator starts its first loop at a random point of the first ``LOAD_PACE``
seconds and then keeps its own rhythm, as people do. Locust starts all fifty within a
second, and its ``constant_pacing`` keeps every user on the second it was started at: the
fifty loops then all begin together every ``LOAD_PACE`` seconds, 150 requests in a burst
and nothing in between, and the "paced" latency measured how long the server takes to
drain that burst (p50 190 ms, p99 430 ms at 8.9 ms of CPU a request), not a request's.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import time
from collections.abc import Iterator
from typing import Any

import gevent
from locust import FastHttpUser, task

PACE = float(os.environ.get("LOAD_PACE", "0"))
ENTITIES_TAKEN = 4  # an annotator accepts a few of the alias suggestions


def annotation_for(paragraph: dict[str, Any]) -> dict[str, Any]:
    """What an annotator submits for ``paragraph`` (the body of GET /api/paragraphs/<id>):
    the first few alias suggestions accepted as entities, a quote on the first reporting
    verb (its speaker the first entity, its content the rest of the sentence), a stance of
    the first entity towards the second, from the version the server sent."""
    text = paragraph["text"]
    suggestions = paragraph["suggestions"]["entities"][:ENTITIES_TAKEN]
    entities = [
        {
            "id": f"e{number}",
            "start": s["start"],
            "end": s["end"],
            "label": s["label"],
            "actor": s["actor"],
            "from_suggestion": True,
        }
        for number, s in enumerate(suggestions, start=1)
    ]
    decisions = [
        {
            "id": s["id"],
            "kind": "entity",
            "start": s["start"],
            "end": s["end"],
            "label": s["label"],
            "actor": s["actor"],
            "decision": "accepted",
        }
        for s in suggestions
    ]
    quotes, stances = [], []
    cues = paragraph["suggestions"]["cues"]
    if entities and cues:
        cue = cues[0]
        stop = text.find(".", cue["end"])
        end = stop if stop > cue["end"] + 1 else len(text)
        quotes.append(
            {
                "id": "q1",
                "speaker": "e1",
                "cue": {"start": cue["start"], "end": cue["end"]},
                "content": {"start": cue["end"] + 1, "end": end},
                "type": "INDIRECT",
            }
        )
    if len(entities) >= 2:
        stances.append(
            {
                "id": "s1",
                "holder": "e1",
                "target": "e2",
                "polarity": "OPPOSE",
                "quote": "q1" if quotes else None,
            }
        )
    return {
        "version": paragraph["annotation"]["version"],
        "status": "submitted",
        "comment": None,
        "flagged": False,
        "entities": entities,
        "stances": stances,
        "quotes": quotes,
        "suggestions": decisions,
    }


class Annotator(FastHttpUser):
    """One annotator with their own API token, working through their queue."""

    tokens: Iterator[str] | None = None  # shared by every simulated annotator

    def on_start(self) -> None:
        if Annotator.tokens is None:
            with open(os.environ["LOAD_TOKENS"], encoding="utf-8") as handle:
                Annotator.tokens = itertools.cycle(json.load(handle))
        self.headers = {"Authorization": f"Bearer {next(Annotator.tokens)}"}
        self.last: str | None = None
        # When this annotator's next loop is due: a random point of the first pace (see the
        # module's docstring), so that loops arrive spread out rather than in one burst.
        self.due = time.monotonic() + random.uniform(0, PACE)  # noqa: S311 (not a secret)
        if PACE:
            gevent.sleep(self.due - time.monotonic())

    def wait_time(self) -> float:
        """Seconds until the next loop: one every ``PACE`` seconds from this annotator's own
        start; after a loop that took longer, the next one at once and the rhythm restarted
        from there (no catching up in a burst); no wait at all when ``PACE`` is 0."""
        if not PACE:
            return 0.0
        now = time.monotonic()
        self.due = max(self.due + PACE, now)
        return self.due - now

    @task
    def annotate_next(self) -> None:
        """Queue -> paragraph -> save, as the workspace does after each submit."""
        query = f"?after={self.last}" if self.last else ""
        with self.client.get(
            f"/api/queue/next{query}",
            headers=self.headers,
            name="GET /api/queue/next",
            catch_response=True,
        ) as answer:
            if answer.status_code != 200:
                answer.failure(f"queue answered {answer.status_code}")
                return
            paragraph_id = answer.json()["paragraph_id"]
        with self.client.get(
            f"/api/paragraphs/{paragraph_id}",
            headers=self.headers,
            name="GET /api/paragraphs/<id>",
            catch_response=True,
        ) as answer:
            if answer.status_code != 200:
                answer.failure(f"paragraph answered {answer.status_code}")
                return
            body = annotation_for(answer.json())
        with self.client.put(
            f"/api/paragraphs/{paragraph_id}/annotation",
            json=body,
            headers=self.headers,
            name="PUT /api/paragraphs/<id>/annotation",
            catch_response=True,
        ) as answer:
            if answer.status_code != 200:
                answer.failure(f"save answered {answer.status_code}: {answer.text[:200]}")
                return
        self.last = paragraph_id
