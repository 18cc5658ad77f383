"""A tiny TCP proxy on 127.0.0.1 that a test can cut and restore, to lose a database on cue."""

from __future__ import annotations

import contextlib
import selectors
import socket
import threading


class TcpProxy:
    """Forwards 127.0.0.1:`port` to an upstream server, one thread per connection.

    `cut()` stops listening and drops every forwarded connection, as a database server that
    went away would; `restore()` listens again on the same port.
    """

    def __init__(self, upstream_host: str, upstream_port: int) -> None:
        self._upstream = (upstream_host, upstream_port)
        self._lock = threading.Lock()
        self._connections: set[socket.socket] = set()
        self._forwarders: list[threading.Thread] = []
        self._listener: socket.socket | None = None
        self._acceptor: threading.Thread | None = None
        self.port = 0

    def start(self) -> TcpProxy:
        """Listen on a free port (then `port` names it), or on `port` again after `cut()`."""
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(16)
        self.port = listener.getsockname()[1]
        self._listener = listener
        self._acceptor = threading.Thread(target=self._accept, args=(listener,), daemon=True)
        self._acceptor.start()
        return self

    restore = start

    @property
    def listening(self) -> bool:
        """False between `cut()` and `restore()`."""
        return self._listener is not None

    def cut(self) -> None:
        """Refuse new connections and drop every open one; returns once all are closed."""
        listener, acceptor = self._listener, self._acceptor
        if listener is None or acceptor is None:
            return
        listener.shutdown(socket.SHUT_RDWR)  # wakes the thread blocked in accept()
        acceptor.join()
        listener.close()
        self._listener = self._acceptor = None
        with self._lock:
            connections = list(self._connections)
        for conn in connections:
            with contextlib.suppress(OSError):  # its forwarder closed it meanwhile
                conn.shutdown(socket.SHUT_RDWR)
        for forwarder in self._forwarders:
            forwarder.join()
        self._forwarders.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # cut()
            try:
                upstream = socket.create_connection(self._upstream, timeout=10)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            with self._lock:
                self._connections.update((client, upstream))
            forwarder = threading.Thread(target=self._forward, args=(client, upstream))
            forwarder.daemon = True
            self._forwarders.append(forwarder)
            forwarder.start()

    def _forward(self, client: socket.socket, upstream: socket.socket) -> None:
        try:
            with selectors.DefaultSelector() as selector:
                selector.register(client, selectors.EVENT_READ, upstream)
                selector.register(upstream, selectors.EVENT_READ, client)
                while True:
                    for key, _ in selector.select():
                        source = client if key.fileobj is client else upstream
                        data = source.recv(65536)
                        if not data:
                            return
                        key.data.sendall(data)
        except OSError:
            return
        finally:
            with self._lock:
                self._connections.difference_update((client, upstream))
            client.close()
            upstream.close()
