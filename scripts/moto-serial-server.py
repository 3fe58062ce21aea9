"""moto_server, serving one request at a time.

moto's own `moto_server` serves requests on threads, and its DynamoDB backend does not make item
operations atomic: under CPU load two racing UpdateItems lose an update, and two racing conditional
PutItems can both win. DynamoDB guarantees both. Serving requests one at a time restores item-level
atomicity, which the concurrency tests of dynamo-single-table rely on.

Usage: python3 moto-serial-server.py HOST PORT
"""
import os
import signal
import sys

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from werkzeug.serving import run_simple


def main() -> None:
    host, port = sys.argv[1], int(sys.argv[2])
    os.environ.setdefault("MOTO_PORT", str(port))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    app = DomainDispatcherApplication(create_backend_app)
    run_simple(host, port, app, threaded=False)


if __name__ == "__main__":
    main()
