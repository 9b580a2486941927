"""Debian's nginx in front of ivrd instances, started as a user would but from a temporary prefix: the
committed Deploy/nginx/ivr.conf with its listen address, upstream ports and pid/log/temp paths replaced,
run in the foreground (`nginx -p PREFIX -c CONF -e LOG -g "daemon off;"`, so the test owns the master
process) and stopped with `nginx … -s quit`. Nothing outside the prefix is written, so it runs as any user
(as root, nginx's workers drop to `nobody`)."""
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CONF = ROOT / "Deploy" / "nginx" / "ivr.conf"


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _replace(text, pattern, repl, count):
    """re.subn that insists on the number of matches, so an edit of the committed file that the
    derivation no longer fits fails here, by name, instead of running a different config."""
    new, n = re.subn(pattern, repl, text, flags=re.M)
    if n != count:
        raise AssertionError(f"{CONF.relative_to(ROOT)}: expected {count} line(s) matching {pattern!r}, found {n}")
    return new


def derive(text, prefix, listen_port, upstream_ports):
    """The committed config with this run's ports and paths."""
    ports = iter(upstream_ports)
    text = _replace(text, r"^pid .*;$", f"pid {prefix}/nginx.pid;", 1)
    text = _replace(text, r"^error_log \S+", f"error_log {prefix}/error.log", 1)
    text = _replace(text, r"^(\s*)access_log \S+", rf"\g<1>access_log {prefix}/access.log", 1)
    text = _replace(text, r"^(\s*)listen 80;$", rf"\g<1>listen 127.0.0.1:{listen_port};", 1)
    text = _replace(text, r"^(\s*server )127\.0\.0\.1:\d+( .*;)$",
                    lambda m: f"{m.group(1)}127.0.0.1:{next(ports)}{m.group(2)}", len(upstream_ports))
    temp = "".join(f"    {kind}_temp_path {prefix}/{kind}_temp;\n"
                   for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    return _replace(text, r"^http \{\n", "http {\n" + temp, 1)


class Nginx:
    def __init__(self, upstream_ports):
        binary = shutil.which("nginx") or "/usr/sbin/nginx"
        if not os.path.exists(binary):
            raise RuntimeError("nginx is not installed (apt-get install nginx; .ci/deps.sh test installs it)")
        # Not under pytest's tmp_path: its parents are private to the user, and nginx's workers (nobody,
        # when started as root) must reach the temp folders.
        self.prefix = Path(tempfile.mkdtemp(prefix="ivr-nginx-"))
        self.prefix.chmod(0o755)
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.conf = self.prefix / "nginx.conf"
        self.conf.write_text(derive(CONF.read_text(), self.prefix, self.port, upstream_ports))
        self.base_cmd = [binary, "-p", str(self.prefix), "-c", str(self.conf), "-e", str(self.prefix / "error.log")]
        check = subprocess.run(self.base_cmd + ["-t"], capture_output=True, text=True)
        if check.returncode != 0:
            raise RuntimeError(f"nginx -t refused the derived config:\n{check.stderr}\n{self.conf.read_text()}")
        self.output = open(self.prefix / "stdout.log", "w+")
        self.proc = subprocess.Popen(self.base_cmd + ["-g", "daemon off;"], stdout=self.output, stderr=subprocess.STDOUT)
        for _ in range(100):
            if self.proc.poll() is not None:
                break
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=1) as r:
                    if r.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError):
                pass
            time.sleep(0.1)
        log = self.error_log()
        self.stop()
        raise RuntimeError(f"nginx did not answer /healthz through to an instance:\n{log}")

    def get(self, path):
        try:
            with urllib.request.urlopen(self.url + path, timeout=5) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode()

    def post(self, path, body):
        req = urllib.request.Request(self.url + path, data=body, method="POST",
                                     headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=5) as r:
                return r.status
        except urllib.error.HTTPError as e:
            return e.code

    def access_log(self):
        path = self.prefix / "access.log"
        return path.read_text() if path.exists() else ""

    def upstreams(self, request_prefix='"POST /webhook '):
        """The upstream port each matching request went to, in order (`a:1, b:2` when nginx tried two)."""
        out = []
        for line in self.access_log().splitlines():
            if request_prefix in line:
                m = re.search(r"upstream=(\S+)", line)
                out.append(m.group(1) if m else "-")
        return out

    def error_log(self):
        path = self.prefix / "error.log"
        return path.read_text() if path.exists() else ""

    def stop(self):
        """`nginx -s quit` (graceful), as a user stops it; the master is this process's child."""
        if self.proc.poll() is None:
            subprocess.run(self.base_cmd + ["-s", "quit"], capture_output=True)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.output.close()
        shutil.rmtree(self.prefix, ignore_errors=True)
