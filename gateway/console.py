"""The union staff's console at /console/: the files console/ builds (esbuild,
`make console`, which `make run` and `make test` run) into
gateway/static/console/, served as they are. The page talks to the same API
as any app, with a staff login; the gateway adds no rule for it.

Every answer here carries a Content-Security-Policy that allows nothing from
another origin (no CDN, no map tiles, no fonts): the page works on a machine
that reaches only this gateway, and an injected script could not send data
anywhere. Inline styles are allowed: ECharts' tooltips carry them.

A gateway started without the build answers 503 with a page saying how to
build it, rather than failing to start.
"""
from pathlib import Path

from flask import redirect, render_template_string, send_from_directory

BUILD_DIR = Path(__file__).resolve().parent / "static" / "console"
SHOWN_DIR = "gateway/static/console/"  # not the server's absolute path
INDEX = "index.html"
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'", "script-src 'self'", "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:", "connect-src 'self'", "font-src 'self'",
    "object-src 'none'", "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'",
])
HEADERS = {"Content-Security-Policy": CONTENT_SECURITY_POLICY,
           "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
           # Unhashed file names: always revalidate (ETag), so a rebuild shows.
           "Cache-Control": "no-cache"}

NOT_BUILT = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>工作台尚未构建</title></head>
<body style="font-family: sans-serif; max-width: 40rem; margin: 3rem auto">
<h1>工作台尚未构建 · The console is not built</h1>
<p>The files of the staff console are missing from <code>{{ where }}</code>.
<code>make run</code> and <code>make test</code> build them; to build them alone,
run <code>make console</code> (it runs <code>npm ci</code> and esbuild in
<code>console/</code>, with Node.js 20+).</p>
</body></html>"""


def with_headers(response):
    response.headers.update(HEADERS)
    return response


def register(app, build_dir=BUILD_DIR):
    build_dir = Path(build_dir)

    @app.get("/console")
    def console_root():
        return redirect("/console/", code=308)

    @app.get("/console/")
    @app.get("/console/<path:filename>")
    def console_file(filename=INDEX):
        if not (build_dir / INDEX).is_file():
            return with_headers(app.make_response(
                (render_template_string(NOT_BUILT, where=SHOWN_DIR), 503)))
        # send_from_directory refuses paths outside build_dir (404).
        return with_headers(send_from_directory(build_dir, filename))
