"""A call we place, whole: POST /v1/calls, `connect` with our offer at the stand-in, the user's phone
(aiortc) answers it through a signed `connect` webhook, RINGING and ACCEPTED, media up with us as the
DTLS server (aiortc answers setup:active), the reminder flow greets by name and the user presses 1."""
import asyncio
import json

from caller import Caller
from prompts import recognise_prompts
from test_scenarios import media_ip

USER = "13175550100"


def place(d, body):
    status, text = d.admin_post("/v1/calls", body)
    assert status == 202, text
    return json.loads(text)


def test_reminder_call_answered_and_confirmed_with_a_key(start, graph):
    async def scenario():
        d, wa = start(await media_ip(), IVR_OUTBOUND_PHONE_NUMBER_ID="106540352242922")
        placed = place(d, {"to": "+" + USER, "flow": "reminder", "vars": {"name": "Ana"},
                           "biz_opaque_callback_data": "booking-7"})
        connect = await graph.wait_for("connect", USER)
        assert connect, "no connect with our offer"
        body = connect[0]["body"]
        phone = Caller(wa, graph, None, number=USER)
        await phone.pick_up({"wa_call_id": "wacid.PLACED1", "sdp": body["session"]["sdp"]})
        await phone.wait(6.0)        # the greeting (say:) and the confirm menu
        await phone.press("1")
        await phone.wait(4.0)        # "confirmed", goodbye, our hang-up
        term = await graph.wait_for("terminate", None, timeout=20)
        await phone.close()
        return d, placed, body, term, [pid for _, pid, _ in recognise_prompts(phone.heard_samples())]

    d, placed, body, term, heard = asyncio.run(scenario())
    call_id = placed["id"]
    assert body["to"] == USER and body["biz_opaque_callback_data"] == "booking-7"
    assert any(t["body"]["call_id"] == "wacid.PLACED1" for t in term), term
    assert "confirmed" in heard, heard
    rows = d.rows("select status, end_reason, direction from calls where id = ?", call_id)
    assert rows == [("completed", "hangup", "BUSINESS_INITIATED")], rows
    keys = [k for (k,) in d.rows("select detail from call_events where call_id = ? and kind = 'key'", call_id)]
    events = d.rows("select kind, detail from call_events where call_id = ? order by id", call_id)
    assert keys == ["1"], events
    assert d.rows("select consecutive_unanswered from permissions") == [(0,)]
    assert json.loads(d.rows("select variables_json from calls where id = ?", call_id)[0][0])["name"] == '"Ana"'
    status, view = d.admin_get(f"/v1/calls/{call_id}")
    assert status == 200, view
    view = json.loads(view)
    assert view["call"]["outcome"] == "completed" and view["inputs"] == ["key:1"], view
    assert view["outbound"]["wa_call_id"] == "wacid.PLACED1" and view["outbound"]["flow"] == "reminder"
