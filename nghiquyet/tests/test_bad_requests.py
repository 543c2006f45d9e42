"""A request Django cannot read (too large, too many fields) gets a page in Vietnamese."""

from django.conf import settings


def test_a_post_over_the_size_limit_gets_a_vietnamese_page(world, client):
    client.force_login(world.clerk)
    name = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    response = client.post("/accounts/tokens/", {"name": name})
    assert response.status_code == 400
    assert "Yêu cầu không hợp lệ" in response.content.decode()
    assert not world.clerk.api_tokens.exists()


def test_a_query_with_too_many_fields_gets_a_vietnamese_page(world, client):
    client.force_login(world.clerk)
    query = "&".join(f"q{i}=1" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))
    response = client.get(f"/documents/?{query}")
    assert response.status_code == 400
    assert "Yêu cầu không hợp lệ" in response.content.decode()
