"""A TCP forwarder on 127.0.0.1 that a test can cut and restore: a database or Redis outage.

    with TcpProxy(5432) as proxy:       # listens on proxy.port, forwards to 127.0.0.1:5432
        proxy.cut()                     # refuses new connections and drops open ones
        proxy.restore()                 # forwards again, on the same port

Threads only; everything stops with the context manager. Bounded: at most
`max_connections` forwarded connections over its life.
"""

from __future__ import annotations

import socket
import threading


class TcpProxy:
    def __init__(
        self, target_port: int, target_host: str = "127.0.0.1", max_connections: int = 500
    ):
        self.target = (target_host, target_port)
        self.max_connections = max_connections
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._up = threading.Event()
        self._stop = threading.Event()
        self._open: list[socket.socket] = []
        self._lock = threading.Lock()
        self._served = 0
        self._thread = threading.Thread(target=self._accept_loop, daemon=True)

    def __enter__(self) -> TcpProxy:
        self._listener.listen(64)
        self._listener.settimeout(0.1)
        self._up.set()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._drop_open()
        self._thread.join(timeout=5)
        self._listener.close()

    def cut(self) -> None:
        """The far side is gone: new connections are refused (reset), open ones dropped."""
        self._up.clear()
        self._drop_open()

    def restore(self) -> None:
        self._up.set()

    def _drop_open(self) -> None:
        with self._lock:
            for sock in self._open:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                sock.close()
            self._open.clear()

    def _accept_loop(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            if not self._up.is_set() or self._served >= self.max_connections:
                client.setsockopt(
                    socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00"
                )
                client.close()
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            self._served += 1
            with self._lock:
                self._open += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
