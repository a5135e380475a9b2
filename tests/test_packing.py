"""Packed arrays round-trip exactly in their dtype and reject malformed input."""

from __future__ import annotations

import base64
import json

import numpy as np
import pytest

from ggmm.packing import is_packed, pack, unpack


@pytest.mark.parametrize("dtype", ["float16", "float32"])
@pytest.mark.parametrize("shape", [(0,), (7,), (3, 4), (2, 3, 5)])
def test_round_trip_is_exact_in_the_packed_dtype(dtype: str, shape: tuple[int, ...]) -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=shape) * 10
    packed = json.loads(json.dumps(pack(x, dtype)))  # survives JSON
    assert packed["dtype"] == dtype and packed["shape"] == list(shape)
    y = unpack(packed)
    assert y.dtype == np.dtype(dtype) and y.shape == shape
    np.testing.assert_array_equal(y, x.astype(dtype))
    assert is_packed(packed)


def test_bytes_are_little_endian_c_order() -> None:
    x = np.array([[1.0, 2.0], [3.0, -0.5]])
    raw = base64.b64decode(pack(x, "float32")["data"])
    assert raw == np.array([1.0, 2.0, 3.0, -0.5], dtype="<f4").tobytes()
    # a Fortran-ordered input is packed in C order too
    assert pack(np.asfortranarray(x), "float16")["data"] == pack(x, "float16")["data"]


def test_float16_precision_is_about_three_digits() -> None:
    x = np.linspace(0.01, 1.0, 200)
    rel = np.abs(unpack(pack(x)).astype(float) - x) / x
    assert rel.max() < 2.0**-11 + 1e-12  # half a unit in the last place of a 10-bit mantissa


@pytest.mark.parametrize("bad", [np.array([np.nan]), np.array([np.inf]), np.array([1e6])])
def test_pack_rejects_non_finite_and_overflow(bad: np.ndarray) -> None:
    with pytest.raises(ValueError, match="array"):
        pack(bad, "float16")


def test_pack_rejects_unknown_dtype() -> None:
    with pytest.raises(ValueError, match="dtype"):
        pack([1.0], "float64")


def test_unpack_rejects_malformed_dicts() -> None:
    good = pack(np.ones((2, 3)), "float32")
    with pytest.raises(ValueError, match="missing"):
        unpack({"dtype": "float32", "shape": [2, 3]})
    with pytest.raises(ValueError, match="dtype"):
        unpack({**good, "dtype": "int8"})
    with pytest.raises(ValueError, match="needs"):
        unpack({**good, "shape": [3, 3]})
    with pytest.raises(ValueError, match="base64"):
        unpack({**good, "data": "@@@"})
    with pytest.raises(ValueError, match="shape"):
        unpack({**good, "shape": [2, -3]})
    assert not is_packed({**good, "extra": 1})
