"""The test command's ``-n 2 --dist loadgroup`` really groups: xdist marks a grouped test's node
id with ``@group`` (with pytest >= 9.2 it cannot, and the grouping would silently do nothing)."""

import pytest


@pytest.mark.xdist_group("grouping_probe")
def test_loadgroup_marks_the_node_id(request):
    config = request.config
    if not (hasattr(config, "workerinput") and getattr(config.option, "loadgroup", False)):
        pytest.skip("not run under pytest-xdist --dist loadgroup")
    assert request.node.nodeid.endswith("@grouping_probe"), request.node.nodeid


def test_a_paper_test_file_is_grouped_by_its_paper(request):
    from conftest import _paper_group

    class Fake:
        callspec = None

    fake = Fake()
    fake.path = request.path.with_name("test_anytime.py")
    assert _paper_group(fake) == "anytime"
    fake.path = request.path.with_name("test_derivations.py")
    assert _paper_group(fake) == "derivations"
    fake.path = request.path
    assert _paper_group(fake) is None
