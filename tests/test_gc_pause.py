"""``cyclic_gc_paused``: bulk jobs run without the cyclic collector and always give it back."""

import gc

import pytest

from governance.platform.gc_pause import cyclic_gc_paused


def test_the_collector_is_off_inside_and_back_on_after():
    assert gc.isenabled()
    with cyclic_gc_paused():
        assert not gc.isenabled()
        with cyclic_gc_paused():  # nested: still off, and the outer block turns it back on
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_the_collector_comes_back_when_the_block_raises():
    with pytest.raises(RuntimeError), cyclic_gc_paused():
        raise RuntimeError("job failed")
    assert gc.isenabled()


def test_a_collector_someone_else_turned_off_stays_off():
    gc.disable()
    try:
        with cyclic_gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
