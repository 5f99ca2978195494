"""Users, sessions, API tokens and roles (used by the web workspace and by ``veilleur user``)."""
