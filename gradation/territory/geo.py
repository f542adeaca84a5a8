"""Projected coordinates of the FINESS file to WGS84 latitude and longitude.

Metropolitan France uses Lambert 93 (EPSG:2154), overseas départements UTM zones. The formulas
are the IGN's (NTG 71 / NTG 76 algorithms) and the usual inverse transverse Mercator series;
GRS80 and WGS84 differ by less than a millimetre here.
"""

from __future__ import annotations

import math

_A = 6378137.0
_F = 1 / 298.257222101
_E = math.sqrt(2 * _F - _F * _F)

# Lambert 93: secant conic on 44°N and 49°N, origin 46.5°N 3°E, false easting/northing.
_N = 0.7256077650532670
_C = 11754255.426096
_XS = 700000.0
_YS = 12655612.049876
_LON0 = math.radians(3.0)


def _latitude_from_isometric(iso: float) -> float:
    phi = 2 * math.atan(math.exp(iso)) - math.pi / 2
    for _ in range(20):
        e_sin = _E * math.sin(phi)
        new = 2 * math.atan(((1 + e_sin) / (1 - e_sin)) ** (_E / 2) * math.exp(iso)) - math.pi / 2
        if abs(new - phi) < 1e-12:
            return new
        phi = new
    return phi


def lambert93_to_wgs84(x: float, y: float) -> tuple[float, float]:
    dx, dy = x - _XS, y - _YS
    r = math.hypot(dx, dy)
    gamma = math.atan(dx / -dy)
    lon = _LON0 + gamma / _N
    iso = -1 / _N * math.log(abs(r / _C))
    return math.degrees(_latitude_from_isometric(iso)), math.degrees(lon)


def utm_to_wgs84(x: float, y: float, zone: int, south: bool) -> tuple[float, float]:
    k0 = 0.9996
    e2 = _E * _E
    ep2 = e2 / (1 - e2)
    x -= 500000.0
    if south:
        y -= 10000000.0
    m = y / k0
    mu = m / (_A * (1 - e2 / 4 - 3 * e2 ** 2 / 64 - 5 * e2 ** 3 / 256))
    e1 = (1 - math.sqrt(1 - e2)) / (1 + math.sqrt(1 - e2))
    phi1 = (mu + (3 * e1 / 2 - 27 * e1 ** 3 / 32) * math.sin(2 * mu)
            + (21 * e1 ** 2 / 16 - 55 * e1 ** 4 / 32) * math.sin(4 * mu)
            + (151 * e1 ** 3 / 96) * math.sin(6 * mu))
    n1 = _A / math.sqrt(1 - e2 * math.sin(phi1) ** 2)
    t1 = math.tan(phi1) ** 2
    c1 = ep2 * math.cos(phi1) ** 2
    r1 = _A * (1 - e2) / (1 - e2 * math.sin(phi1) ** 2) ** 1.5
    d = x / (n1 * k0)
    lat = phi1 - (n1 * math.tan(phi1) / r1) * (
        d ** 2 / 2 - (5 + 3 * t1 + 10 * c1 - 4 * c1 ** 2 - 9 * ep2) * d ** 4 / 24
        + (61 + 90 * t1 + 298 * c1 + 45 * t1 ** 2 - 252 * ep2 - 3 * c1 ** 2) * d ** 6 / 720)
    lon = (d - (1 + 2 * t1 + c1) * d ** 3 / 6
           + (5 - 2 * c1 + 28 * t1 - 3 * c1 ** 2 + 8 * ep2 + 24 * t1 ** 2) * d ** 5 / 120
           ) / math.cos(phi1)
    lon0 = math.radians((zone - 1) * 6 - 180 + 3)
    return math.degrees(lat), math.degrees(lon0 + lon)


# The systems of the 2026 extracts, named « EPSG:2154 RGF93 / Lambert-93 (Métropole) » …:
# Lambert 93 in mainland France, a UTM zone overseas (the national RGAF09, RGFG95, RGR92,
# RGM04 and RGSPM06 frames, and their WGS84 equivalents, coincide here to a few centimetres).
EPSG_UTM = {
    "5490": (20, False), "4559": (20, False), "32620": (20, False),  # Antilles
    "2972": (22, False), "32622": (22, False),  # Guyane
    "2975": (40, True), "32740": (40, True),  # La Réunion
    "4471": (38, True), "32738": (38, True),  # Mayotte
    "4467": (21, False), "32621": (21, False),  # Saint-Pierre-et-Miquelon
}


def _system(upper: str) -> tuple[str, int, bool] | None:
    """("lambert93", 0, False) or ("utm", zone, south) for a system's name, old or new."""
    import re

    epsg = re.search(r"EPSG:(\d+)", upper)
    if epsg:
        if epsg.group(1) == "2154":
            return ("lambert93", 0, False)
        if epsg.group(1) in EPSG_UTM:
            zone, south = EPSG_UTM[epsg.group(1)]
            return ("utm", zone, south)
        return None
    if "LAMBERT_93" in upper or "LAMBERT93" in upper or "LAMBERT-93" in upper:
        return ("lambert93", 0, False)
    old = re.search(r"UTM_?([NS])_?(\d{1,2})", upper)  # older extracts: « UTM_N20 »
    if old:
        return ("utm", int(old.group(2)), old.group(1) == "S")
    named = re.search(r"UTM ZONE (\d{1,2}) ?([NS])", upper)  # « WGS84/UTM zone 21N »
    if named:
        return ("utm", int(named.group(1)), named.group(2) == "S")
    return None


# Where each system is defined: Lambert 93 covers metropolitan France and Corsica (its
# published area of use, with a margin); UTM coordinates stay within a zone's easting and the
# hemisphere's northing. A point outside is an error of the extract, not a place.
LAMBERT93_AREA = ((-100_000.0, 1_400_000.0), (6_000_000.0, 7_200_000.0))
UTM_AREA = ((100_000.0, 900_000.0), (0.0, 10_000_000.0))


def in_area(x: float, y: float, kind: str) -> bool:
    (x_low, x_high), (y_low, y_high) = LAMBERT93_AREA if kind == "lambert93" else UTM_AREA
    return x_low <= x <= x_high and y_low <= y <= y_high


def to_wgs84(x: float, y: float, system: str) -> tuple[float, float] | None:
    """(latitude, longitude) rounded to 6 decimals; None for an unknown system or a point
    outside the system's area."""
    found = _system(system.upper())
    if found is None:
        return None
    kind, zone, south = found
    if not in_area(x, y, kind):
        raise ValueError("coordonnées hors de la zone du système")
    lat, lon = lambert93_to_wgs84(x, y) if kind == "lambert93" else utm_to_wgs84(x, y, zone,
                                                                                    south)
    return round(lat, 6), round(lon, 6)
