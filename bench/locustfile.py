"""The desk under load: clerks reading and writing work orders through the API at once.

Run by `bench/load.py`, which prepares the database, starts gunicorn and
passes the API tokens of the demo's desk clerks in LOAD_TOKENS (comma
separated). Each simulated clerk mostly reads (the queue, a search, an
order) and sometimes writes (registers an order, gives a commitment,
dispatches it, notes a follow-up), as a desk on a busy morning does.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import random

from locust import HttpUser, between, task

TOKENS = itertools.cycle([t for t in os.environ.get("LOAD_TOKENS", "").split(",") if t])
UNITS = ["1-101", "2-302", "3-1502", "1-", "2-", "王", "138"]
MATTERS = ["厨房水龙头漏水", "卫生间下水道堵塞", "客厅灯不亮", "门锁损坏", "楼道灯不亮"]


class Clerk(HttpUser):
    wait_time = between(0.2, 1.0)

    def on_start(self) -> None:
        self.client.headers["Authorization"] = f"Token {next(TOKENS)}"
        households = self.client.get("/api/v1/households/", name="households").json()
        self.households = [(h["id"], h["project"]) for h in households["results"]]
        self.orders: list[int] = []  # every order this clerk registered, to read
        self.fresh: list[int] = []  # registered, not yet dispatched

    @task(6)
    def queue(self) -> None:
        self.client.get("/api/v1/tickets/", name="orders")

    @task(3)
    def search(self) -> None:
        self.client.get(f"/api/v1/households/?q={random.choice(UNITS)}", name="search")

    @task(3)
    def order(self) -> None:
        if self.orders:
            self.client.get(f"/api/v1/tickets/{random.choice(self.orders)}/", name="order")

    @task(3)
    def register(self) -> None:
        if not self.households:
            return
        household, project = random.choice(self.households)
        with self.client.post(
            "/api/v1/tickets/",
            json={
                "kind": "repair",
                "project": project,
                "household": household,
                "matter": random.choice(MATTERS),
                "address_confirmed": True,
            },
            name="register",
            catch_response=True,
        ) as response:
            if response.status_code != 201:
                response.failure(f"{response.status_code} {response.text[:300]}")
                return
            self.orders.append(response.json()["id"])
            self.fresh.append(response.json()["id"])

    @task(2)
    def commit_and_dispatch(self) -> None:
        if not self.fresh:
            return
        order = self.fresh.pop(0)
        by_when = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=2)).isoformat()
        self.client.post(
            f"/api/v1/tickets/{order}/commit/",
            json={"what": "派工程部上门维修", "by_when": by_when, "by_whom": "工程部"},
            name="commit",
        )
        self.client.post(
            f"/api/v1/tickets/{order}/dispatch/",
            json={"department": "engineering"},
            name="dispatch",
        )
        self.client.post(
            f"/api/v1/tickets/{order}/follow-up/", json={"note": "住户来电催促"}, name="follow-up"
        )
