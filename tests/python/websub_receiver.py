"""A WebSub subscriber for tests: an HTTP endpoint on 127.0.0.1 that answers
the hub's verifications and records its deliveries, and the form a
subscriber POSTs to a hub."""

from __future__ import annotations

import http.client
import http.server
import threading
import urllib.parse

WAIT = 20.0  # Seconds to wait for something that should happen.


class Receiver:
    """A subscriber's HTTP endpoint. Each callback path has its own answer to
    verification ("echo", "wrong" or "404") and a list of statuses for the
    deliveries it receives (200 once they run out)."""

    def __init__(self) -> None:
        self.cond = threading.Condition()
        self.verify: dict[str, str] = {}
        self.statuses: dict[str, list[int]] = {}
        self.verifications: list[tuple[str, dict[str, str]]] = []
        self.deliveries: list[tuple[str, dict[str, str], bytes]] = []
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:
                url = urllib.parse.urlsplit(self.path)
                params = dict(urllib.parse.parse_qsl(url.query))
                with receiver.cond:
                    receiver.verifications.append((url.path, params))
                    answer = receiver.verify.get(url.path, "echo")
                    receiver.cond.notify_all()
                if answer == "404":
                    self._reply(404, b"no such subscription")
                else:
                    body = params.get("hub.challenge", "") if answer == "echo" else "nope"
                    self._reply(200, body.encode())

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                path = urllib.parse.urlsplit(self.path).path
                with receiver.cond:
                    queue = receiver.statuses.get(path, [])
                    status = queue.pop(0) if queue else 200
                    headers = {k.lower(): v for k, v in self.headers.items()}
                    receiver.deliveries.append((path, headers, body))
                    receiver.cond.notify_all()
                self._reply(status, b"")

            def _reply(self, status: int, body: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"

    def wait_for(self, predicate, what: str):
        with self.cond:
            if not self.cond.wait_for(predicate, timeout=WAIT):
                raise AssertionError(f"timed out waiting for {what}")
            return predicate()

    def delivered_to(self, path: str) -> list[tuple[dict[str, str], bytes]]:
        with self.cond:
            return [(h, b) for p, h, b in self.deliveries if p == path]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def hub_request(host: str, **params: str) -> tuple[int, str]:
    """POSTs hub.<name>=<value> for each of `params` to the hub at `host`
    (HOST:PORT): its status and text."""
    body = urllib.parse.urlencode({f"hub.{k}": v for k, v in params.items()})
    connection = http.client.HTTPConnection(host, timeout=10)
    try:
        connection.request("POST", "/v1/websub", body=body,
                           headers={"Content-Type": "application/x-www-form-urlencoded"})
        response = connection.getresponse()
        return response.status, response.read().decode()
    finally:
        connection.close()
