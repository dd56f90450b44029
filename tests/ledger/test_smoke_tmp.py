def test_world(world):
    assert world.dept
