"""A `say:` text prompt heard by the caller: ivrd renders it with Flite, encodes it to Opus and sends
it; the aiortc caller's decoded audio matches the engine's own rendering (`ivrd prompts render --out`)
with an energy-envelope correlation of at least 0.9."""
import asyncio
import os
import subprocess

from caller import Caller
from prompts import prompt_envelopes, recognise_prompts
from test_scenarios import flows_with, media_ip

SAY_FLOW = """\
name: speak
numbers: ["100000000000019"]
vars: { code: "4217" }
start: greet
steps:
  greet:
    play:
      say: "Thank you for calling. Your request has been received and will be handled today."
    next: code
  code:
    play:
      say: "Your code is {{vars.code | digits}}."
    next: bye
  bye:
    hangup: completed
"""


def test_a_say_prompt_is_heard_as_rendered(start, graph, tmp_path):
    flows = flows_with(tmp_path, "speak.yaml", SAY_FLOW)
    rendered = tmp_path / "rendered"
    # The reference: the same text through the same engine and voice, before Opus.
    out = subprocess.run([os.environ["IVRD_BIN"], "prompts", "render", f"{flows}/speak.yaml", "--out", str(rendered)],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "1 text(s) rendered" in out.stdout, out.stdout
    envs = prompt_envelopes(rendered)
    every = subprocess.run([os.environ["IVRD_BIN"], "prompts", "render", flows], capture_output=True, text=True, timeout=120)
    static_texts = int(every.stdout.strip().splitlines()[-1].split()[0])
    assert list(envs) == ["speak-greet-en-us"], list(envs)

    async def scenario():
        d, wa = start(await media_ip(), IVR_FLOWS=flows)
        wa.phone_number_id = "100000000000019"
        c = Caller(wa, graph, "wacid.E2E-SAY")
        await c.dial()
        term = await graph.wait_for("terminate", "wacid.E2E-SAY", timeout=40)
        found = recognise_prompts(c.heard_samples(), envs=envs)
        await c.close()
        return d, term, found, d.get("/metrics")

    d, term, found, (status, metrics) = asyncio.run(scenario())
    print("say: prompt heard (seconds, id, envelope correlation):", found)
    assert term, "the flow hangs up after both texts"
    assert [pid for _, pid, _ in found] == ["speak-greet-en-us"], found
    assert all(corr >= 0.9 for _, _, corr in found), found
    prompts = d.events("wacid.E2E-SAY", "prompt")
    assert prompts == ["say: Thank you for calling. Your request has been received and will be handled today.",
                       "say: Your code is four, two, one, seven."], prompts
    # Every lookup is counted: the start-up pre-render of every flow's static texts and the call's two
    # texts. (The call's lookup of the static one misses here: aiortc's offer leads to other Opus
    # settings than WhatsApp's, which the pre-render uses.)
    assert status == 200
    counts = {line.split()[0]: float(line.split()[1]) for line in metrics.splitlines()
              if line.startswith("ivr_spoken_prompt_cache_")}
    hits, misses = counts["ivr_spoken_prompt_cache_hits_total"], counts["ivr_spoken_prompt_cache_misses_total"]
    assert hits + misses == static_texts + 2 and misses >= 1, (counts, static_texts)
