"""A voice menu with one confirmation, through aiortc: the caller says "support", ivrd asks
"Did you say support? Say yes or press 1." (a `say:` prompt), the caller says "yes", and the flow
takes the support branch with the confirmation on its path."""
import asyncio

from caller import Caller
from test_scenarios import flows_with, media_ip

CONFIRM_FLOW = """\
name: confirm
numbers: ["100000000000021"]
language: en-us
start: menu
steps:
  menu:
    menu:
      prompt: main_menu
      options:
        "1": { say: [sales], goto: sales }
        "2": { say: [support], goto: support }
      confirm: always
      timeout: 6s
      retries: 1
      on_failure: bye
  sales:
    play: sales
    next: bye
  support:
    play: support
    next: bye
  bye:
    hangup: completed
"""


def test_a_spoken_option_is_confirmed_by_voice(start, graph, tmp_path):
    async def scenario():
        d, wa = start(await media_ip(), IVR_FLOWS=flows_with(tmp_path, "confirm.yaml", CONFIRM_FLOW))
        wa.phone_number_id = "100000000000021"
        c = Caller(wa, graph, "wacid.E2E-CONFIRM")
        await c.dial()
        await c.wait(2.0)           # the menu prompt plays (barge-in)
        await c.say("support")
        await c.wait(1.0)           # the question starts; it can be answered while it plays
        await c.say("yes")
        await c.wait(3.0)
        await c.hang_up()
        return d

    d = asyncio.run(scenario())
    prompts = d.events("wacid.E2E-CONFIRM", "prompt")
    assert "say: Did you say support? Say yes or press 1." in prompts, (prompts, d.logs()[-3000:])
    keywords = d.events("wacid.E2E-CONFIRM", "keyword")
    assert [k.split("@")[0] for k in keywords][:2] == ["support", "yes"], keywords
    steps = d.events("wacid.E2E-CONFIRM", "step")
    assert "support" in steps and "sales" not in steps, steps
