"""Centroids of GeoJSON polygons."""

from __future__ import annotations

Ring = list[list[float]]


def _ring_moments(ring: Ring) -> tuple[float, float, float]:
    """(area, x moment, y moment) of a closed ring, oriented so the area is positive."""
    area = mx = my = 0.0
    for (x0, y0, *_), (x1, y1, *_) in zip(ring, ring[1:] + ring[:1], strict=True):
        cross = x0 * y1 - x1 * y0
        area += cross / 2
        mx += (x0 + x1) * cross / 6
        my += (y0 + y1) * cross / 6
    return (area, mx, my) if area >= 0 else (-area, -mx, -my)


def centroid(polygons: list[list[Ring]]) -> tuple[float, float] | None:
    """Area-weighted centroid (longitude, latitude) of polygons with holes; None if they have no area.

    Planar on degrees: at the scale of a city the error is far below the size
    of a neighbourhood.
    """
    area = mx = my = 0.0
    for polygon in polygons:
        for index, ring in enumerate(polygon):
            a, x, y = _ring_moments(ring)
            sign = 1 if index == 0 else -1  # the first ring is the outline, the others holes
            area, mx, my = area + sign * a, mx + sign * x, my + sign * y
    if area <= 0:
        return None
    return mx / area, my / area
