"""Barge-in by voice over the prompt's echo, through aiortc: while the menu prompt ("Sales, press 1.
Support, 2. Hours, 3.") plays, the caller's phone sends back what it hears at -20 dB (the residual
echo a phone's echo canceller leaves), and the caller says "sales" over it. The echo must not cut the
prompt (it is still playing when the caller speaks), and the word must take the sales branch."""
import asyncio

from caller import Caller
from test_scenarios import flows_with, media_ip

BARGE_FLOW = """\
name: barge
numbers: ["100000000000022"]
language: en-us
start: menu
steps:
  menu:
    menu:
      prompt: main_menu
      options:
        "1": { say: [sales], goto: sales }
        "2": { say: [support], goto: support }
      confirm: never
      accept_above: 0.5
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


def test_a_word_said_over_the_prompts_echo_takes_its_branch(start, graph, tmp_path):
    async def scenario():
        d, wa = start(await media_ip(), IVR_FLOWS=flows_with(tmp_path, "barge.yaml", BARGE_FLOW))
        wa.phone_number_id = "100000000000022"
        c = Caller(wa, graph, "wacid.E2E-BARGE")
        c.echo_back(0.1)
        await c.dial()
        await c.wait(1.2)           # the menu prompt plays, and comes back as echo
        said_at = c.now()
        await c.say("sales")        # over the prompt and its echo
        await c.wait(3.0)
        await c.hang_up()
        return d, c, said_at

    d, c, said_at = asyncio.run(scenario())
    # The prompt was still playing when the caller spoke: its own echo did not stop it.
    before = c.heard_level(said_at - 0.4, said_at)
    assert before > 300, (before, c.log)
    keywords = d.events("wacid.E2E-BARGE", "keyword")
    assert [k.split("@")[0] for k in keywords][:1] == ["sales"], keywords
    steps = d.events("wacid.E2E-BARGE", "step")
    assert "sales" in steps and "support" not in steps, (steps, d.logs()[-3000:])


def test_the_prompts_echo_alone_takes_no_branch(start, graph, tmp_path):
    """The prompt says the menu's words ("Sales, press 1"): its echo must not be taken for the caller."""
    async def scenario():
        d, wa = start(await media_ip(), IVR_FLOWS=flows_with(tmp_path, "barge.yaml", BARGE_FLOW))
        wa.phone_number_id = "100000000000022"
        c = Caller(wa, graph, "wacid.E2E-ECHO")
        c.echo_back(0.1)
        await c.dial()
        await c.wait(4.0)           # the whole prompt, and its echo, and a little quiet
        await c.hang_up()
        return d, c

    d, c = asyncio.run(scenario())
    assert c.heard_level(0.5, 2.0) > 300, c.log    # the prompt played (and came back as echo)
    assert d.events("wacid.E2E-ECHO", "keyword") == []
    steps = d.events("wacid.E2E-ECHO", "step")
    assert "sales" not in steps and "support" not in steps, steps
