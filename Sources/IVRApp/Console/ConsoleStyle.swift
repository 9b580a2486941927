/// The console's one style sheet: readable on a phone, WCAG AA contrast, a visible focus ring.
enum ConsoleStyle {
    static let css = """
        :root { color-scheme: light; --fg: #1c1b22; --muted: #4d4b57; --accent: #0b4f9c; --bad: #9b1c2c; --line: #c9c7d1; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 16px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: #fff; }
        a { color: var(--accent); }
        a:focus, button:focus, input:focus, select:focus { outline: 3px solid #f5a623; outline-offset: 2px; }
        .skip { position: absolute; left: -999px; } .skip:focus { left: 8px; top: 8px; background: #fff; padding: 4px; }
        header { background: #f3f2f7; border-bottom: 1px solid var(--line); }
        nav[aria-label="Console"] { display: flex; flex-wrap: wrap; gap: .25rem 1rem; align-items: center; padding: .6rem 1rem; }
        nav .brand { font-weight: 700; }
        nav a[aria-current="page"] { font-weight: 700; text-decoration-thickness: 3px; }
        main { padding: 1rem; max-width: 80rem; margin: 0 auto; }
        h1 { font-size: 1.4rem; margin: .2rem 0 1rem; word-break: break-all; } h2 { font-size: 1.15rem; margin-top: 1.6rem; }
        .filters { display: flex; flex-wrap: wrap; gap: .6rem 1rem; align-items: flex-end; margin-bottom: 1rem; }
        .filters div { display: flex; flex-direction: column; } label { font-size: .85rem; color: var(--muted); }
        input, select, button { font: inherit; padding: .35rem .5rem; border: 1px solid #767384; border-radius: 4px; min-height: 2.4rem; }
        button { background: var(--accent); color: #fff; border-color: var(--accent); cursor: pointer; }
        form.inline { display: inline; } form.login { display: flex; flex-direction: column; gap: .5rem; max-width: 22rem; }
        .scroll { overflow-x: auto; } table { border-collapse: collapse; width: 100%; font-size: .92rem; }
        th, td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
        th { background: #f3f2f7; }
        .outcome, .status { font-weight: 600; } .outcome.error, .outcome.failed, .status.failed { color: var(--bad); }
        .error { color: var(--bad); font-weight: 600; } .notice { background: #e6f0fb; padding: .5rem; border-radius: 4px; }
        dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; } dl.facts dt { color: var(--muted); }
        dl.facts dd { margin: 0; word-break: break-all; }
        ol.path { display: flex; flex-wrap: wrap; gap: .2rem 1.6rem; padding-left: 1.2rem; }
        figure.graph { margin: 1rem 0; overflow-x: auto; border: 1px solid var(--line); border-radius: 6px; padding: .5rem; }
        figure.graph svg { max-width: 100%; height: auto; } figcaption { color: var(--muted); font-size: .9rem; }
        .paging { display: flex; gap: 1rem; margin-top: 1rem; }
        .visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
        code { font-size: .85em; word-break: break-all; }
        """
}
