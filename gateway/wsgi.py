"""The WSGI application gunicorn serves: `gunicorn -c gateway/gunicorn_conf.py gateway.wsgi:app`.
Its logging is set up by gunicorn_conf.GatewayLogger, in the master."""
import gc

from gateway.app import create_app

app = create_app()
# What start-up built (the app, its schemas, the API documents) lives as long
# as the process: frozen, a full collection no longer walks it. Measured in a
# class rush, full collections paused a worker for 30-200 ms each, about one
# a second; frozen, under 25 ms.
gc.freeze()
