"""cursor_pages: one cursor loop for every history endpoint (a pure helper, driven by a scripted getter)."""
import pytest

from ccxt_lighter.cursor_paging import HISTORY_CURSOR_FIELDS, cursor_pages


def scripted(pages):
    """A getter that answers page i of ``pages`` ((rows, cursor) pairs) and records each request."""
    seen = []

    async def get(request):
        seen.append(dict(request))
        rows, cursor = pages[len(seen) - 1]
        return {"rows": rows, "next_cursor": cursor}

    return get, seen


async def collect(get, request, max_pages, **kw):
    return [page async for page in cursor_pages(get, request, "rows", max_pages, **kw)]


async def test_follows_cursors_until_the_last_page():
    get, seen = scripted([([1, 2], "c1"), ([3], "c2"), ([4], "")])
    assert await collect(get, {"limit": 2}, 10) == [[1, 2], [3], [4]]
    assert [r.get("cursor") for r in seen] == [None, "c1", "c2"]
    assert all(r["limit"] == 2 for r in seen)


async def test_an_empty_page_ends_even_with_a_cursor():
    get, seen = scripted([([1], "c1"), ([], "c2"), ([9], None)])
    assert await collect(get, {}, 10) == [[1], []]
    assert len(seen) == 2


async def test_max_pages_bounds_the_requests():
    get, seen = scripted([([i], f"c{i}") for i in range(10)])
    assert await collect(get, {}, 3) == [[0], [1], [2]]
    assert len(seen) == 3


async def test_a_caller_that_stops_causes_no_further_request():
    get, seen = scripted([([1], "c1"), ([2], "c2"), ([3], None)])
    async for page in cursor_pages(get, {}, "rows", 10):
        if page == [1]:
            break
    assert len(seen) == 1


async def test_the_request_is_read_afresh_before_each_page():
    get, seen = scripted([([1], "c1"), ([2], None)])
    request = {"limit": 100}
    async for _ in cursor_pages(get, request, "rows", 10):
        request["limit"] = 7
    assert [r["limit"] for r in seen] == [100, 7]
    assert "cursor" not in request  # the caller's dict never gets the cursor written into it


@pytest.mark.parametrize("fields, pages", [((), 1), (HISTORY_CURSOR_FIELDS, 2)])
async def test_history_endpoints_name_their_cursor_cursor(fields, pages):
    answers = [{"rows": [1], "cursor": "c1"}, {"rows": [2]}]
    seen = []

    async def get(request):
        seen.append(request)
        return answers[len(seen) - 1]

    kwargs = {"cursor_fields": fields} if fields else {}
    assert len(await collect(get, {}, 10, **kwargs)) == pages
