/// The console's Mustache templates (HTML-escaping by default: `{{x}}` escapes, `{{{x}}}` is used only
/// for the SVG that `dot` drew from our own DOT). Kept in the binary so `ivrd` needs no template folder.
enum ConsoleTemplates {
    static let all: [String: String] = [
        "layout": layout, "login": login, "error": error, "calls": calls, "call": call,
        "flows": flows, "flow": flow, "outbox": outbox, "live": live, "outboxTable": outboxTable,
    ]

    static let layout = """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        {{$head}}{{/head}}
        <title>{{title}} · ivrd console</title>
        <link rel="stylesheet" href="/console.css">
        </head>
        <body>
        <a class="skip" href="#main">Skip to content</a>
        <header>
        <nav aria-label="Console">
        <span class="brand">ivrd</span>
        <a href="/calls"{{#navCalls}} aria-current="page"{{/navCalls}}>Calls</a>
        <a href="/flows"{{#navFlows}} aria-current="page"{{/navFlows}}>Flows</a>
        <a href="/outbox"{{#navOutbox}} aria-current="page"{{/navOutbox}}>Outbox</a>
        <a href="/live"{{#navLive}} aria-current="page"{{/navLive}}>Live</a>
        {{#csrf}}<form method="post" action="/logout" class="inline"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit">Log out</button></form>{{/csrf}}
        </nav>
        </header>
        <main id="main">
        <h1>{{title}}</h1>
        {{#notice}}<p class="notice" role="status">{{notice}}</p>{{/notice}}
        {{$content}}{{/content}}
        </main>
        </body>
        </html>
        """

    static let login = """
        {{<layout}}{{$content}}
        <form method="post" action="/login" class="login">
        {{#error}}<p class="error" role="alert">{{error}}</p>{{/error}}
        <label for="token">Admin token (IVR_ADMIN_TOKEN)</label>
        <input id="token" name="token" type="password" autocomplete="current-password" required autofocus>
        <input type="hidden" name="next" value="{{next}}">
        <button type="submit">Log in</button>
        </form>
        {{/content}}{{/layout}}
        """

    static let error = """
        {{<layout}}{{$content}}<p class="error" role="alert">{{message}}</p><p><a href="/calls">Back to the calls</a></p>{{/content}}{{/layout}}
        """

    static let calls = """
        {{<layout}}{{$content}}
        <form method="get" action="/calls" class="filters" aria-label="Filter calls">
        <div><label for="since">From</label><input id="since" name="since" value="{{filter.since}}" placeholder="24h, 7d or 2026-11-25"></div>
        <div><label for="until">Until</label><input id="until" name="until" value="{{filter.until}}" placeholder="2026-11-26T00:00:00Z"></div>
        <div><label for="flow">Flow</label><select id="flow" name="flow"><option value="">any</option>{{#flowOptions}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{value}}</option>{{/flowOptions}}</select></div>
        <div><label for="number">Number</label><input id="number" name="number" value="{{filter.number}}" placeholder="business or caller number" inputmode="tel"></div>
        <div><label for="outcome">Outcome</label><select id="outcome" name="outcome"><option value="">any</option>{{#outcomeOptions}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{value}}</option>{{/outcomeOptions}}</select></div>
        <div><label for="direction">Direction</label><select id="direction" name="direction"><option value="">any</option>{{#directionOptions}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{value}}</option>{{/directionOptions}}</select></div>
        <div><button type="submit">Filter</button> <a href="/calls">Clear</a></div>
        </form>
        <p>{{total}} call(s){{#any}}, {{first}}–{{last}} shown{{/any}}. <a href="/calls.csv?{{query}}" download>Export CSV</a></p>
        <div class="scroll"><table id="calls">
        <caption class="visually-hidden">Calls, newest first</caption>
        <thead><tr><th scope="col">Time (UTC)</th><th scope="col">Call</th><th scope="col">Number</th><th scope="col">Caller</th><th scope="col">Flow</th><th scope="col">Duration</th><th scope="col">Outcome</th><th scope="col">Last step</th><th scope="col">Follow-up</th></tr></thead>
        <tbody>
        {{#rows}}<tr><td>{{time}}</td><td><a href="/calls/{{idPath}}">{{id}}</a></td><td>{{number}}</td><td>{{caller}}</td><td>{{flow}}</td><td>{{duration}}</td><td><span class="outcome {{outcome}}">{{outcome}}</span></td><td>{{lastStep}}</td><td>{{followup}}</td></tr>
        {{/rows}}{{^rows}}<tr><td colspan="9">No calls match.</td></tr>{{/rows}}
        </tbody></table></div>
        <nav class="paging" aria-label="Pages">{{#previous}}<a href="/calls?{{previous}}" rel="prev">← Newer</a>{{/previous}} {{#next}}<a href="/calls?{{next}}" rel="next">Older →</a>{{/next}}</nav>
        {{/content}}{{/layout}}
        """

    static let call = """
        {{<layout}}{{$content}}
        <dl class="facts">
        <dt>Caller</dt><dd>{{caller}}</dd><dt>Number</dt><dd>{{number}}</dd><dt>Direction</dt><dd>{{direction}}</dd>
        <dt>Flow</dt><dd>{{#flow}}<a href="/flows/{{flowPath}}{{#version}}?version={{version}}{{/version}}">{{flow}}</a>{{/flow}}{{^flow}}-{{/flow}} {{#version}}<code>{{version}}</code>{{/version}}</dd>
        <dt>Outcome</dt><dd><span class="outcome {{outcome}}" id="outcome">{{outcome}}</span> ({{status}}{{#endReason}}, ended by {{endReason}}{{/endReason}})</dd>
        <dt>Received</dt><dd>{{received}}</dd><dt>Duration</dt><dd>{{duration}}</dd>
        <dt>Errors</dt><dd>{{errors}}</dd><dt>Follow-up</dt><dd>{{followup}}</dd>
        </dl>
        <section aria-labelledby="path-h"><h2 id="path-h">Path</h2>
        <ol class="path" id="path">{{#path}}<li>{{.}}</li>{{/path}}</ol>{{^path}}<p>The call entered no step.</p>{{/path}}
        <figure class="graph" id="graph">{{{svg}}}{{#graphError}}<p class="error">{{graphError}}</p>{{/graphError}}
        <figcaption>The flow{{#version}} (version <code>{{version}}</code>){{/version}}: the steps this call took are highlighted, the last one in red.</figcaption></figure>
        </section>
        {{#hasRecordings}}<section aria-labelledby="rec-h"><h2 id="rec-h">Recordings</h2><ul>{{#recordings}}<li><audio controls preload="none" src="{{url}}"></audio> <a href="{{url}}">{{name}}</a></li>{{/recordings}}</ul></section>{{/hasRecordings}}
        <section aria-labelledby="vars-h"><h2 id="vars-h">Variables</h2>
        <div class="scroll"><table id="variables"><thead><tr><th scope="col">Name</th><th scope="col">Value</th></tr></thead><tbody>
        {{#variables}}<tr><td>{{name}}</td><td>{{value}}</td></tr>{{/variables}}{{^variables}}<tr><td colspan="2">None.</td></tr>{{/variables}}
        </tbody></table></div></section>
        <section aria-labelledby="in-h"><h2 id="in-h">Inputs</h2>
        <ol id="inputs">{{#inputs}}<li>{{.}}</li>{{/inputs}}</ol>{{^inputs}}<p>None.</p>{{/inputs}}</section>
        <section aria-labelledby="ev-h"><h2 id="ev-h">Timeline</h2>
        <div class="scroll"><table id="events"><thead><tr><th scope="col">Offset</th><th scope="col">Time (UTC)</th><th scope="col">Event</th><th scope="col">Detail</th></tr></thead><tbody>
        {{#events}}<tr><td>{{offset}}</td><td>{{time}}</td><td>{{kind}}</td><td>{{detail}}</td></tr>{{/events}}
        </tbody></table></div></section>
        <section aria-labelledby="fu-h"><h2 id="fu-h">Follow-up messages</h2>
        {{>outboxTable}}
        </section>
        {{/content}}{{/layout}}
        """

    static let outboxTable = """
        <div class="scroll"><table class="outbox"><thead><tr><th scope="col">Id</th><th scope="col">Created (UTC)</th><th scope="col">Call</th><th scope="col">To</th><th scope="col">Rule</th><th scope="col">Status</th><th scope="col">Attempts</th><th scope="col">Error</th><th scope="col"><span class="visually-hidden">Action</span></th></tr></thead><tbody>
        {{#messages}}<tr><td>{{id}}</td><td>{{created}}</td><td><a href="/calls/{{callPath}}">{{callID}}</a></td><td>{{to}}</td><td>{{rule}}</td><td><span class="status {{status}}">{{status}}</span></td><td>{{attempts}}</td><td>{{error}}</td><td>{{#retryable}}<form method="post" action="/outbox/{{id}}/retry" class="inline"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit" aria-label="Retry message {{id}}">Retry</button></form>{{/retryable}}</td></tr>
        {{/messages}}{{^messages}}<tr><td colspan="9">No messages.</td></tr>{{/messages}}
        </tbody></table></div>
        """

    static let flows = """
        {{<layout}}{{$content}}
        <ul class="flows">{{#flows}}<li><a href="/flows/{{path}}">{{name}}</a> — {{description}} <code>{{version}}</code></li>{{/flows}}</ul>{{^flows}}<p>No flows are loaded.</p>{{/flows}}
        {{/content}}{{/layout}}
        """

    static let flow = """
        {{<layout}}{{$content}}
        <form method="get" action="/flows/{{flowPath}}" class="filters" aria-label="Funnel range">
        <div><label for="since">From</label><input id="since" name="since" value="{{since}}" placeholder="7d"></div>
        <div><label for="until">Until</label><input id="until" name="until" value="{{until}}"></div>
        <div><label for="version">Version</label><select id="version" name="version">{{#versions}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/versions}}</select></div>
        <div><button type="submit">Show</button></div>
        </form>
        <p id="summary">{{calls}} call(s) counted{{#hasWithoutSteps}}, {{withoutSteps}} without any step{{/hasWithoutSteps}}. <a href="/v1/flows/{{flowPath}}/stats?{{query}}">JSON</a></p>
        <figure class="graph" id="graph">{{{svg}}}{{#graphError}}<p class="error">{{graphError}}</p>{{/graphError}}
        <figcaption>Each step shows how many calls reached it and how many ended there; each edge how many calls took it.</figcaption></figure>
        <section aria-labelledby="funnel-h"><h2 id="funnel-h">Per step</h2>
        <div class="scroll"><table id="funnel"><thead><tr><th scope="col">Step</th><th scope="col">Reached</th><th scope="col">Visits</th><th scope="col">Ended here</th><th scope="col">How they ended</th><th scope="col">How they left</th></tr></thead><tbody>
        {{#steps}}<tr data-step="{{step}}"><td>{{step}}</td><td class="reached">{{reached}}</td><td>{{visits}}</td><td class="ended">{{ended}}</td><td class="ended-by">{{endedBy}}</td><td class="left-by">{{leftBy}}</td></tr>{{/steps}}{{^steps}}<tr><td colspan="6">No calls in this range.</td></tr>{{/steps}}
        </tbody></table></div></section>
        {{/content}}{{/layout}}
        """

    static let outbox = """
        {{<layout}}{{$content}}
        <form method="get" action="/outbox" class="filters" aria-label="Filter messages">
        <div><label for="status">Status</label><select id="status" name="status"><option value="">any</option>{{#statusOptions}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{value}}</option>{{/statusOptions}}</select></div>
        <div><button type="submit">Filter</button></div>
        </form>
        {{>outboxTable}}
        {{/content}}{{/layout}}
        """

    static let live = """
        {{<layout}}{{$head}}<meta http-equiv="refresh" content="5">{{/head}}{{$content}}
        <p>Calls in progress; this page refreshes every 5 seconds.</p>
        <div class="scroll"><table id="live"><thead><tr><th scope="col">Call</th><th scope="col">State</th><th scope="col">Flow</th><th scope="col">Current step</th><th scope="col">Duration</th><th scope="col">Caller</th></tr></thead><tbody>
        {{#rows}}<tr><td><a href="/calls/{{idPath}}">{{id}}</a></td><td>{{state}}</td><td>{{flow}}</td><td>{{lastStep}}</td><td>{{duration}}</td><td>{{caller}}</td></tr>{{/rows}}{{^rows}}<tr><td colspan="6">No call is in progress.</td></tr>{{/rows}}
        </tbody></table></div>
        {{/content}}{{/layout}}
        """
}
