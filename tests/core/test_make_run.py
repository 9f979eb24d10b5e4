"""`make run`'s pieces: the address e-mails link to, the banner only once the site answers, and
e-mails printed as blocks a person can read."""

from __future__ import annotations

import http.server
import io
import threading

from django.core.mail import EmailMessage

from marketplace.core.embedded import site_url, wait_until_serving
from marketplace.core.mail import ReadableConsoleBackend


class _Exited:
    def poll(self):
        return 1


class _Running:
    def poll(self):
        return None


def test_links_follow_the_port_and_a_wildcard_bind_is_reached_on_loopback():
    assert site_url("127.0.0.1", "8101") == "http://127.0.0.1:8101"
    assert site_url("0.0.0.0", "9000") == "http://127.0.0.1:9000"  # noqa: S104
    assert site_url("shop.local", "80") == "http://shop.local:80"


def test_the_banner_waits_until_the_site_answers():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), http.server.BaseHTTPRequestHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/healthz"
        # BaseHTTPRequestHandler answers 501 to a GET: an answer all the same.
        assert wait_until_serving(url, [_Running()], threading.Event(), timeout=10)
    finally:
        server.shutdown()
        server.server_close()
    # Nothing listens any more: a child that exited ends the wait, as does the timeout.
    assert not wait_until_serving(url, [_Exited()], threading.Event(), timeout=10)
    assert not wait_until_serving(url, [_Running()], threading.Event(), timeout=0.5)


def test_e_mails_are_printed_as_readable_blocks():
    stream = io.StringIO()
    backend = ReadableConsoleBackend(stream=stream)
    message = EmailMessage(
        subject="确认您的邮箱",
        body="请打开 http://127.0.0.1:8101/accounts/verify/abc/\n",
        to=["a@x.cn"],
    )
    assert backend.send_messages([message]) == 1
    printed = stream.getvalue()
    assert " E-MAIL  to a@x.cn" in printed
    assert "subject: 确认您的邮箱" in printed
    assert "请打开 http://127.0.0.1:8101/accounts/verify/abc/" in printed
    assert "Content-Transfer-Encoding" not in printed
