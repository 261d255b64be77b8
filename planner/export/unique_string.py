"""ARM's uniqueString(): 13 characters that are the same for the same arguments.

Microsoft does not document the algorithm. What is public: the arguments are joined with '-',
hashed to 64 bits by a MurmurHash3-style hash with two 32-bit lanes (the variant in
Microsoft.PowerPlatform.ResourceStack, described in public reimplementations), and the top 65 bits
of the hash, read 5 at a time, pick letters from the RFC 4648 base-32 alphabet in lower case.
This implementation gives the values real deployments printed (tests/planner/test_arm_functions.py
holds them: uniqueString('aaa') is 'zavj67f3en4hc'), so a storage account or gallery named with
uniqueString(resourceGroup().id) gets the name Azure would give it for the same resource group id.
An import knows no real subscription or resource group, so such a name is still a placeholder.
"""

from __future__ import annotations

_MASK = 0xFFFFFFFF
_C1, _C2 = 0xAB0E9789, 0x239B961B  # the lanes' multipliers
_F1, _F2 = 0x85EBCA6B, 0xC2B2AE35  # MurmurHash3's finalisation multipliers
_N1, _N2 = 0x561CCD1B, 0x0BCAA747  # the lanes' additive constants
_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567"


def _rotate(x: int, r: int) -> int:
    x &= _MASK
    return ((x << r) | (x >> (32 - r))) & _MASK


def _mix(x: int) -> int:
    x = ((x ^ (x >> 16)) * _F1) & _MASK
    x = ((x ^ (x >> 13)) * _F2) & _MASK
    return x ^ (x >> 16)


def hash64(data: bytes) -> int:
    """The 64-bit hash of the bytes: two lanes over 8-byte blocks, then the tail, then mixed."""
    h1 = h2 = 0
    whole = len(data) - len(data) % 8
    for i in range(0, whole, 8):
        k1 = int.from_bytes(data[i : i + 4], "little")
        k2 = int.from_bytes(data[i + 4 : i + 8], "little")
        h1 ^= (_rotate(k1 * _C2, 15) * _C1) & _MASK
        h1 = ((_rotate(h1, 19) + h2) * 5 + _N1) & _MASK
        h2 ^= (_rotate(k2 * _C1, 17) * _C2) & _MASK
        h2 = ((_rotate(h2, 13) + h1) * 5 + _N2) & _MASK
    tail = data[whole:]
    if tail:
        h1 ^= (_rotate(int.from_bytes(tail[:4], "little") * _C2, 15) * _C1) & _MASK
        if len(tail) > 4:
            h2 ^= (_rotate(int.from_bytes(tail[4:], "little") * _C1, 17) * _C2) & _MASK
    n = len(data)
    low = (h2 ^ n) & _MASK
    high = ((h1 ^ n) + low) & _MASK
    low = (low + high) & _MASK
    high, low = _mix(high), _mix(low)
    high = (high + low) & _MASK
    low = (low + high) & _MASK
    return (low << 32) | high


def unique_string(*parts: str) -> str:
    """uniqueString(parts...) as ARM computes it."""
    h = hash64("-".join(parts).encode("utf-8"))
    return "".join(_ALPHABET[((h << (5 * i)) & (2**64 - 1)) >> 59] for i in range(13))
