"""Recording consent on a real call: the voicemail flow announces the recording; the caller presses 9
during the announcement, nothing is recorded, and the call row keeps the refusal."""
import asyncio
import subprocess
import os

from caller import Caller
from test_scenarios import media_ip


def test_opting_out_of_the_recording_is_kept_on_the_call_row(start, graph, tmp_path):
    async def scenario():
        d, wa = start(await media_ip())
        wa.phone_number_id = "100000000000002"
        c = Caller(wa, graph, "wacid.E2E-OPTOUT")
        await c.dial()
        await c.wait(3.0)           # "closed", then the consent announcement starts
        await c.press("9")
        term = await graph.wait_for("terminate", "wacid.E2E-OPTOUT", timeout=30)
        await c.close()
        return d, term

    d, term = asyncio.run(scenario())
    assert term, "the flow says goodbye and hangs up"
    steps = d.events("wacid.E2E-OPTOUT", "step")
    assert steps == ["closed", "take_message", "goodbye", "end"], steps
    assert d.rows("select recording_consent from calls where id = 'wacid.E2E-OPTOUT'") == [("declined",)]
    assert not (tmp_path / "var" / "recordings").exists() or not list((tmp_path / "var" / "recordings").glob("wacid_E2E-OPTOUT*"))
    shown = subprocess.run([os.environ["IVRD_BIN"], "calls", "show", "wacid.E2E-OPTOUT", "--db", str(d.db)],
                           capture_output=True, text=True, timeout=30)
    assert "recording consent declined" in shown.stdout, shown.stdout + shown.stderr
