"""The console in a real browser (Debian's headless chromium) after a real call: the admin logs in
with the token through the form, opens the call page and the flow page, and the rendered DOM shows
the path highlighted on the flow graph and the funnel's counts. Screenshots are kept in
var/artifacts/ (not committed) and must not be blank."""
import asyncio
import json
import re

from browser import Browser, png_distinct_values
from caller import Caller
from ivrd_harness import ADMIN_TOKEN, ROOT, wait_for
from test_scenarios import media_ip

CALL_ID = "wacid.E2E-CONSOLE"
ARTIFACTS = ROOT / "var" / "artifacts"


def test_the_call_page_and_the_funnel_in_a_browser(start, graph):
    async def scenario():
        d, wa = start(await media_ip())
        c = Caller(wa, graph, CALL_ID)
        await c.dial()
        await c.wait(1.0)
        await c.press("1")        # sales
        await c.wait(2.5)
        assert await c.hang_up() == 200
        return d

    d = asyncio.run(scenario())
    assert wait_for(lambda: d.rows("select finalized_at from calls where id = ?", CALL_ID) != [(None,)])
    steps = d.events(CALL_ID, "step")
    assert steps[:3] == ["welcome", "menu", "sales"], steps

    # The same facts through the JSON API.
    status, body = d.admin_get(f"/v1/calls/{CALL_ID}")
    assert status == 200
    assert json.loads(body)["path"] == steps
    status, body = d.admin_get("/v1/flows/main/stats?since=1d&version=all")
    funnel = json.loads(body)["funnel"]
    counts = {s["step"]: s for s in funnel["steps"]}
    assert funnel["calls"] == 1 and counts["sales"]["reached"] == 1

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    b = Browser()
    try:
        # Not logged in: the console answers with the login form; the browser logs in with the token.
        call_url = f"{d.admin_base}/calls/{CALL_ID}"
        b.navigate(call_url)
        assert b.evaluate("document.querySelector('form.login') !== null")
        b.evaluate(f"document.getElementById('token').value = {json.dumps(ADMIN_TOKEN)};"
                   "document.querySelector('form.login').submit()")
        b.wait_until(f"location.href === {json.dumps(call_url)} && document.getElementById('path') !== null")
        dom = b.dom()
        assert "CSRF" not in dom and 'class="error"' not in dom, dom[:2000]
        path = b.evaluate("[...document.querySelectorAll('#path li')].map(li => li.textContent)")
        assert path == steps
        # The path on the graph: every step taken is drawn as visited, the last one as last, the others not.
        visited = b.evaluate("[...document.querySelectorAll('#graph svg g.visited')].map(g => g.id)")
        assert {"step-welcome", "step-menu", "step-sales"} <= set(visited), visited
        assert "step-support" not in visited
        assert b.evaluate(f"document.getElementById('step-{steps[-1]}').classList.contains('last')")
        assert b.evaluate("document.querySelectorAll('#graph svg g.edge.taken').length") >= len(steps)
        shot = b.screenshot(ARTIFACTS / "console-call.png")
        assert png_distinct_values(shot) > 32, "the call page's screenshot is blank"

        flow_url = f"{d.admin_base}/flows/main?since=1d&version=all"
        b.navigate(flow_url)
        dom = b.dom()
        assert 'class="error"' not in dom, dom[:2000]
        reached = b.evaluate("Object.fromEntries([...document.querySelectorAll('#funnel tr[data-step]')]"
                             ".map(tr => [tr.dataset.step, +tr.querySelector('.reached').textContent]))")
        assert reached["welcome"] == 1 and reached["menu"] == 1 and reached["sales"] == 1, reached
        assert "support" not in reached
        sales = b.evaluate("document.getElementById('step-sales').textContent")
        assert re.search(r"reached 1", sales), sales
        menu_edge = b.evaluate("[...document.querySelectorAll('#graph svg g.edge')].map(g => g.textContent)"
                               ".filter(t => t.includes('menu') && t.includes('sales'))")
        assert any("1 call" in t for t in menu_edge), menu_edge
        shot = b.screenshot(ARTIFACTS / "console-flow.png")
        assert png_distinct_values(shot) > 32, "the flow page's screenshot is blank"
    finally:
        b.close()
