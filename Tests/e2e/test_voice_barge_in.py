"""Barge-in by voice over the prompt's echo, through aiortc: while the menu prompt ("Sales, press 1.
Support, 2. Hours, 3.") plays, the caller's phone sends back what it hears at -20 dB (the residual
echo a phone's echo canceller leaves), and the caller says "support" over it. The echo must not cut the
prompt (it is still playing when the caller speaks), and the word must take the support branch.

The word is "support" because this pipeline (espeak-ng's en-us voice, Opus, the menu's recognizer) hears it
at 0.86, with the echo and without, well clear of the menu's 0.5. espeak's "sales" comes out at 0.45-0.62
here (0.45 without the echo): a test on it measured how that one synthetic word scores, and failed in CI
when a loaded run put it under 0.5."""
import asyncio

from caller import Caller
from test_scenarios import flows_with, media_ip
from test_voice_confirm import CONFIRM_FLOW

# The confirmation test's menu, on its own number, taking any fairly sure word at once (no question:
# this is about hearing the word over the echo).
BARGE_FLOW = (CONFIRM_FLOW.replace("name: confirm", "name: barge").replace("100000000000021", "100000000000022")
              .replace("confirm: always", "confirm: never\n      accept_above: 0.5"))


async def echoing_call(start, graph, tmp_path, call_id, *words):
    """A call whose phone echoes what it hears at -20 dB; the caller waits 1.2 s into the prompt and
    says each word (none: stays quiet through the prompt). Returns the daemon, the caller and when
    the caller started speaking."""
    d, wa = start(await media_ip(), IVR_FLOWS=flows_with(tmp_path, "barge.yaml", BARGE_FLOW))
    wa.phone_number_id = "100000000000022"
    c = Caller(wa, graph, call_id)
    c.echo_back(0.1)
    await c.dial()
    await c.wait(1.2)
    said_at = c.now()
    for word in words:
        await c.say(word)
    await c.wait(3.0)
    await c.hang_up()
    return d, c, said_at


def test_a_word_said_over_the_prompts_echo_takes_its_branch(start, graph, tmp_path):
    d, c, said_at = asyncio.run(echoing_call(start, graph, tmp_path, "wacid.E2E-BARGE", "support"))
    # The prompt was still playing when the caller spoke: its own echo did not stop it.
    before = c.heard_level(said_at - 0.4, said_at)
    assert before > 300, (before, c.log)
    keywords = d.events("wacid.E2E-BARGE", "keyword")
    assert [k.split("@")[0] for k in keywords][:1] == ["support"], keywords
    steps = d.events("wacid.E2E-BARGE", "step")
    assert "support" in steps and "sales" not in steps, (steps, keywords, d.logs()[-3000:])


def test_the_prompts_echo_alone_takes_no_branch(start, graph, tmp_path):
    """The prompt says the menu's words ("Sales, press 1"): its echo must not be taken for the caller."""
    d, c, _ = asyncio.run(echoing_call(start, graph, tmp_path, "wacid.E2E-ECHO"))
    assert c.heard_level(0.5, 2.0) > 300, c.log    # the prompt played (and came back as echo)
    # Nothing the menu would act on (accept_above 0.5). Under CPU load a scrap of echo has been heard
    # once as a word at 0.12, which the menu drops, as it drops a cough.
    heard = [(k.split("@")[0], float(k.split("@")[1])) for k in d.events("wacid.E2E-ECHO", "keyword")]
    assert [w for w, confidence in heard if confidence >= 0.5] == [], heard
    steps = d.events("wacid.E2E-ECHO", "step")
    assert "sales" not in steps and "support" not in steps, steps
