"""The WSGI application gunicorn serves: `gunicorn -c gateway/gunicorn_conf.py gateway.wsgi:app`.
Its logging is set up by gunicorn_conf.GatewayLogger, in the master."""
from gateway.app import create_app

app = create_app()
