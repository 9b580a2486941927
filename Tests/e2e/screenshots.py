"""`make screenshots`: the README's console pictures, taken from a real demo run so they stay true.

Starts ivrd and the WhatsApp stand-in, places a few scripted calls to the example support line
(sales by key, support by key, one caller who hangs up in the menu), logs in to the console in
headless chromium and saves Docs/screenshots/console-{calls,call,flow}.png.
"""
import asyncio
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "daemon"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from ivrd_harness import ADMIN_TOKEN, ROOT, Daemon, wait_for  # noqa: E402
from browser import Browser  # noqa: E402
from caller import Caller  # noqa: E402
from test_scenarios import media_ip  # noqa: E402
from whatsapp import GraphAPI, WhatsApp  # noqa: E402

SECRET = "screenshots-app-secret"
OUT = ROOT / "Docs" / "screenshots"
CALLS = [("wacid.DEMO-SALES", "1"), ("wacid.DEMO-SUPPORT", "2"), ("wacid.DEMO-GAVE-UP", None)]


async def place_calls(d, graph):
    wa = WhatsApp(d.base, SECRET)
    for call_id, key in CALLS:
        c = Caller(wa, graph, call_id)
        await c.dial()
        await c.wait(1.0)
        if key:
            await c.press(key)
            await c.wait(2.5)
        await c.hang_up()
        await c.close()
        wait_for(lambda: d.rows("select finalized_at from calls where id = ?", call_id) != [(None,)])


def main():
    graph = GraphAPI()
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        loop = asyncio.new_event_loop()
        d = Daemon(Path(tmp), {"IVR_APP_SECRET": SECRET, "IVR_VERIFY_TOKEN": "demo", "IVR_ACCESS_TOKEN": "demo-token",
                               "IVR_GRAPH_URL": graph.url, "IVR_MEDIA_IP": loop.run_until_complete(media_ip())})
        b = None
        try:
            loop.run_until_complete(place_calls(d, graph))
            b = Browser(width=1200, height=900)
            b.navigate(f"{d.admin_base}/calls")
            b.evaluate(f"document.getElementById('token').value = {repr(ADMIN_TOKEN)};"
                       "document.querySelector('form.login').submit()")
            b.wait_until("document.getElementById('calls') !== null")
            for name, url in [("calls", "/calls"), ("call", f"/calls/{CALLS[0][0]}"),
                              ("flow", "/flows/main?since=1d&version=all")]:
                b.navigate(d.admin_base + url)
                b.screenshot(OUT / f"console-{name}.png", full_page=False)
                print(f"wrote {OUT / f'console-{name}.png'}")
        finally:
            if b:
                b.close()
            d.stop()
            graph.close()
            loop.close()


if __name__ == "__main__":
    main()
