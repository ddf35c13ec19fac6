"""The WSGI application gunicorn serves: `gunicorn -c gateway/gunicorn_conf.py gateway.wsgi:app`."""
from gateway.app import create_app
from shared import logs

logs.configure("gateway")
app = create_app()
