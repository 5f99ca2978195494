"""/v1/messages with hostile records (I10, I14): NUL characters are removed by the records layer (200, same as on
PostgreSQL, where they used to give HTTP 500); an absurd date is a 400 with one clear line."""

from __future__ import annotations

from .test_api import h

N = "\x00"


def _msg(**over):  # type: ignore[no-untyped-def]
    m = {
        "source": "feed",
        "community_id": "g",
        "message_id": "1",
        "author": {"id": "a", "name": "A"},
        "created_at": "2026-01-05T10:00:00+01:00",
        "text": "bonjour",
    }
    m.update(over)
    return m


def test_nul_in_api_messages_is_removed(client, world):  # type: ignore[no-untyped-def]
    m = _msg(
        text=f"bon{N}jour",
        url=f"https://ex.org/{N}",
        community_id=f"g{N}nul",
        author={"id": f"x{N}y", "name": f"N{N}om"},
    )
    r = client.post("/v1/messages", headers=h(world, "mod"), json={"messages": [m], "scan": False})
    assert r.status_code == 200, r.text
    stored = [x for batch in world.store.iter_messages() for x in batch if x.community_id == "gnul"]
    assert len(stored) == 1
    s = stored[0]
    assert (s.text, s.url, s.author.id, s.author.name) == ("bonjour", "https://ex.org/", "xy", "Nom")


def test_absurd_date_in_api_messages_is_a_clear_400(client, world):  # type: ignore[no-untyped-def]
    before = world.store.count_messages()
    r = client.post(
        "/v1/messages",
        headers=h(world, "mod"),
        json={
            "messages": [
                _msg(message_id="ok"),
                _msg(message_id="y9999", created_at="9999-12-31T23:00:00+00:00"),
            ]
        },
    )
    assert r.status_code == 400, r.text
    assert "implausible date" in r.json()["detail"] and "y9999" in r.json()["detail"]
    assert world.store.count_messages() == before
