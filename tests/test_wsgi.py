"""The WSGI entry point production serves (`gunicorn lsip.wsgi`) answers requests."""

import io


def test_the_wsgi_application_serves_the_login_page(db):
    from lsip.wsgi import application

    answered = {}

    def start_response(status, headers, exc_info=None):
        answered.update(status=status, headers=dict(headers))

    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": "/accounts/login/",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": io.StringIO(),
    }
    body = b"".join(application(environ, start_response)).decode()
    assert answered["status"] == "200 OK"
    assert answered["headers"]["Content-Type"].startswith("text/html")
    assert 'name="password"' in body
