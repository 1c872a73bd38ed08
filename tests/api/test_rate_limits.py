"""Rate limits: per API key, else per client address; writes and failed authentications tighter; 429 problems."""

from __future__ import annotations

import pytest

from tests.support import app_over, make_key


@pytest.fixture
def limited(fresh_url, request):
    """An app whose limits are small enough to reach in a test (writes: the test's parameter, if any)."""
    writes = getattr(request, "param", "2/minute")
    with app_over(
        fresh_url,
        rate_limits_enabled=True,
        rate_limit_reads="5/minute",
        rate_limit_writes=writes,
        rate_limit_failed_auth="3/minute",
    ) as app:
        yield app.test_client(), fresh_url


def test_reads_past_the_limit_are_a_429_problem_with_retry_after_and_the_draft_headers(limited):
    client, _ = limited
    answers = [client.get("/v1/metrics") for _ in range(6)]
    assert [a.status_code for a in answers] == [200] * 5 + [429]
    assert [a.headers["RateLimit"].split(";")[1] for a in answers[:5]] == ["r=4", "r=3", "r=2", "r=1", "r=0"]
    assert answers[0].headers["RateLimit-Policy"] == '"reads";q=5;w=60'
    refused = answers[-1]
    assert refused.mimetype == "application/problem+json"
    assert refused.get_json()["detail"].startswith("Over the limit of 5 per 1 minute; try again in ")
    assert 0 < int(refused.headers["Retry-After"]) <= 60
    assert all(0 <= int(a.headers["RateLimit"].split(";t=")[1]) <= 60 for a in answers)
    assert client.get("/healthz").status_code == 200 and client.get("/readyz").status_code == 200


def test_writes_have_their_own_tighter_limit_and_a_verified_key_its_own_bucket(limited):
    client, url = limited
    headers = {"Authorization": f"Bearer {make_key(url, 'writer', 'write')}"}
    created = [
        client.post("/v1/sources", json={"id": f"s-{n}", "name": "x", "kind": "ngo"}, headers=headers) for n in range(4)
    ]
    # The first write counts against the address: the process has not yet seen the key to be real.
    assert [c.status_code for c in created] == [201, 201, 201, 429]
    assert created[1].headers["RateLimit-Policy"] == '"writes";q=2;w=60'
    # The key's reads count apart from the address's, once the key has been seen to be real.
    assert [client.get("/v1/metrics").status_code for _ in range(5)] == [200] * 5
    assert client.get("/v1/metrics", headers=headers).status_code == 200


@pytest.mark.parametrize("limited", ["100/minute"], indirect=True)
def test_failed_authentications_are_limited_per_address_and_a_made_up_key_earns_no_bucket(limited):
    client, _ = limited
    forged = [{"Authorization": f"Bearer tally_{'x' * 30}{n}"} for n in range(5)]
    answers = [client.post("/v1/sources", json={"id": "x", "name": "x", "kind": "ngo"}, headers=h) for h in forged]
    assert [a.status_code for a in answers] == [401, 401, 401, 429, 429]
    assert answers[-1].headers["RateLimit-Policy"].startswith('"failed-auth"')


@pytest.mark.parametrize("limited", ["100/minute"], indirect=True)
def test_a_client_guessing_keys_does_not_stop_others_at_its_address(limited):
    """Many clients share an address (NAT): anonymous reads and verified keys go on while the guesser is refused."""
    client, url = limited
    writer = {"Authorization": f"Bearer {make_key(url, 'writer', 'write')}"}
    assert client.get("/v1/metrics", headers=writer).status_code == 200  # the key is verified from here on
    forged = [{"Authorization": f"Bearer tally_{'x' * 30}{n}"} for n in range(4)]
    guesses = [client.post("/v1/sources", json={"id": "x", "name": "x", "kind": "ngo"}, headers=h) for h in forged]
    assert [g.status_code for g in guesses] == [401, 401, 401, 429]
    assert client.get("/v1/metrics").status_code == 200
    created = client.post("/v1/sources", json={"id": "shared-nat", "name": "x", "kind": "ngo"}, headers=writer)
    assert created.status_code == 201, created.get_json()
    assert client.get("/v1/metrics", headers=forged[0]).status_code == 429
