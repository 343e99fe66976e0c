"""Shopwise needs no network: a guard that makes every network connection fail while it is on.

The self-test runs the whole pipeline inside it, and so do the tests, so a hidden download (a
model hub, a telemetry ping) fails there instead of quietly working on a connected machine and
hanging on a shop's offline one. Local sockets (AF_UNIX) stay allowed.
"""

from __future__ import annotations

import contextlib
import socket


class NetworkBlocked(ConnectionRefusedError):
    """Something tried to reach the network while Shopwise runs offline.

    A ConnectionRefusedError, so code that copes with a machine without network copes with this.
    """


@contextlib.contextmanager
def no_network():
    """Inside, connecting to or looking up any host raises NetworkBlocked, in every thread.

    Yields the list of attempts (what was tried, and where), for callers that want none at all.
    """
    attempts: list[str] = []

    def refuse(what: str):
        def refused(*args, **kwargs):
            attempts.append(f"{what} {args[0] if args else ''}".strip())
            raise NetworkBlocked(f"Shopwise needs no network, but something tried to {attempts[-1]}.")
        return refused

    def refuse_inet(original):
        def connect(sock, *args, **kwargs):
            if sock.family == socket.AF_UNIX:
                return original(sock, *args, **kwargs)
            return refuse("connect to")(*args)
        return connect

    saved = [(socket.socket, name, getattr(socket.socket, name)) for name in ("connect", "connect_ex")] + \
        [(socket, name, getattr(socket, name)) for name in ("create_connection", "getaddrinfo", "gethostbyname")]
    socket.socket.connect = refuse_inet(socket.socket.connect)
    socket.socket.connect_ex = refuse_inet(socket.socket.connect_ex)
    socket.create_connection = refuse("connect to")
    socket.getaddrinfo = refuse("look up")
    socket.gethostbyname = refuse("look up")
    try:
        yield attempts
    finally:
        for owner, name, original in saved:
            setattr(owner, name, original)
