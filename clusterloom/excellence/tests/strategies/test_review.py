"""Review findings on the strategy pages: odd ids give a 404, never a 500."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("key", ["²", "99999999999999999999999"])
def test_digit_like_organisation_in_the_query_is_a_404(client, world, key):
    client.force_login(world.manager)
    assert client.get(f"/strategies/new/?organisation={key}").status_code == 404
