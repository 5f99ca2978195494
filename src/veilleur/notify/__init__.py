"""Alerts, the weekly digest and webhooks. ``install_listener()`` is called by the composition roots
(the ``veilleur`` command and the web application factory), never as a side effect of an import."""
