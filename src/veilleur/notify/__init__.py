"""Alerts, the weekly digest and webhooks. ``install_listener()`` is called by the composition roots
(``veilleur.cli`` and ``veilleur.web.app.create_app``), never as a side effect of an import."""
