"""A caller books a call back: a real call (aiortc, in-band DTMF) into Flows/callback.yaml presses 1, the
`schedule_call` step records a `scheduled_calls` row, which GET /v1/scheduled-calls lists (number redacted)
and POST /v1/scheduled-calls/{id}/cancel cancels once (a second cancel is refused). The same on PostgreSQL."""
import asyncio
import json
from datetime import datetime, timedelta, timezone

from ivrd_harness import postgres_database, psql
from test_call_media import keyed_call

NUMBER = "100000000000004"   # claimed by Flows/callback.yaml
CALLER = "4915112345678"


def envelope(event, call_id, **fields):
    call = {"id": call_id, "from": CALLER, "to": "15550783881", "event": event, "timestamp": "1764070000"}
    call.update(fields)
    value = {"messaging_product": "whatsapp", "metadata": {"phone_number_id": NUMBER, "display_phone_number": "15550783881"},
             "calls": [call]}
    return json.dumps({"object": "whatsapp_business_account",
                       "entry": [{"id": "1", "changes": [{"field": "calls", "value": value}]}]}).encode()


def listing(d, query=""):
    status, text = d.admin_get("/v1/scheduled-calls" + query)
    assert status == 200, text
    return json.loads(text)


def test_a_caller_books_a_call_back_which_is_listed_then_cancelled(daemon_factory, graph):
    async def scenario():
        # menu → key 1 → book (schedule_call) → booked (say, with vars.scheduled_at) → end: terminate.
        return await keyed_call(daemon_factory, graph, "1", "wacid.BOOK1", envelope_for=envelope)

    d = asyncio.run(scenario())
    steps = d.events("wacid.BOOK1", "step")
    assert steps[:3] == ["menu", "book", "booked"], steps
    assert any(e.startswith("book: scheduled ") for e in d.events("wacid.BOOK1", "exit"))
    (scheduled,) = d.events("wacid.BOOK1", "schedule")
    assert scheduled.startswith("support-callback at ") and CALLER not in scheduled, scheduled

    page = listing(d, "?origin=step&state=pending")
    assert page["total"] == 1, page
    row = page["scheduled_calls"][0]
    assert row["origin"] == "step" and row["state"] == "pending" and row["flow"] == "support-callback"
    assert row["origin_call_id"] == "wacid.BOOK1" and row["phone_number_id"] == NUMBER
    assert CALLER not in json.dumps(row) and row["to"].endswith(CALLER[-4:]), row
    # Tomorrow at 10:00 in Berlin: within two days from now, at 08:00 or 09:00 UTC.
    due = datetime.fromisoformat(row["not_before"].replace("Z", "+00:00"))
    assert timedelta(0) < due - datetime.now(timezone.utc) < timedelta(days=2), due
    assert (due.hour, due.minute) in ((8, 0), (9, 0)), due
    (dedupe,) = d.rows("select dedupe_key from scheduled_calls where id = ?", row["id"])
    assert dedupe == ("wacid.BOOK1/book/1",)
    assert listing(d, "?origin=callback")["total"] == 0
    status, text = d.admin_get("/v1/scheduled-calls?state=soon")
    assert status == 400 and "state: soon is not one of" in text

    status, text = d.admin_post(f"/v1/scheduled-calls/{row['id']}/cancel", {})
    assert status == 200, text
    assert json.loads(text)["state"] == "cancelled"
    assert [r["id"] for r in listing(d, "?state=cancelled")["scheduled_calls"]] == [row["id"]]
    status, text = d.admin_post(f"/v1/scheduled-calls/{row['id']}/cancel", {})
    assert status == 409 and "is cancelled" in text, text
    assert d.admin_post("/v1/scheduled-calls/sch.nothing/cancel", {})[0] == 404
    assert d.admin_post(f"/v1/scheduled-calls/{row['id']}/cancel", {}, token="wrong")[0] == 401


def test_on_postgresql_the_booked_call_is_recorded_listed_and_cancelled(daemon_factory, graph):
    url = postgres_database()
    d = asyncio.run(keyed_call(daemon_factory, graph, "1", "wacid.BOOKPG", envelope_for=envelope, IVR_DATABASE_URL=url))
    page = listing(d, "?origin=step&state=pending")
    assert page["total"] == 1, page
    row = page["scheduled_calls"][0]
    assert row["origin_call_id"] == "wacid.BOOKPG" and row["flow"] == "support-callback"
    assert psql(url, f"select dedupe_key, recipient from scheduled_calls where id = '{row['id']}'") == [
        ("wacid.BOOKPG/book/1", CALLER)]
    status, text = d.admin_post(f"/v1/scheduled-calls/{row['id']}/cancel", {})
    assert status == 200 and json.loads(text)["state"] == "cancelled", text
    assert d.admin_post(f"/v1/scheduled-calls/{row['id']}/cancel", {})[0] == 409
