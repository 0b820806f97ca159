"""Make ``knowledgebase/data/region_map.json``, the map of the project's 34 municipalities,
from the shared municipality shapes (a GeoJSON of all 290 municipalities), once, by hand:

    python tools/make_region_map.py PATH/TO/swedish_municipalities.geojson

It keeps the four counties (06, 07, 08, 09), projects longitude and latitude onto a plane
(equirectangular, longitude shortened by the cosine of the region's middle latitude, which
keeps shapes true enough over two degrees of latitude), scales the region to 1000 units wide,
simplifies each ring (Douglas–Peucker, tolerance 0.8 units, about 150 m), drops islets under
3 square units and writes each municipality as an SVG path with its bounding box and a point inside it
for its number. The site reads only the JSON it writes.

Source of the shapes: okfse/sweden-geojson (commit ff67bcb, June 2020), simplified with
mapshaper from Valmyndigheten's open municipality boundaries (via public.opendatasoft.com,
"sverige-kommuner-municipalities-of-sweden"); its README says "Feel free to reuse".
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

COUNTIES = ("06", "07", "08", "09")
WIDTH = 1000.0
TOLERANCE = 0.8
MIN_AREA = 3.0
OUT = Path(__file__).resolve().parent.parent / "knowledgebase" / "data" / "region_map.json"
ATTRIBUTION = {
    "sv": "Kartdata: Valmyndigheten, förenklad av okfse/sweden-geojson",
    "en": "Map data: Valmyndigheten (Swedish Election Authority), simplified by okfse/sweden-geojson",
    "url": "https://github.com/okfse/sweden-geojson",
}


def _rings(geometry: dict) -> list[list[list[float]]]:
    polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    return [ring for polygon in polygons for ring in polygon]


def _simplify(points: list[tuple[float, float]], tolerance: float) -> list[tuple[float, float]]:
    """Douglas–Peucker on an open polyline (iterative, keeps both ends)."""
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (x1, y1), (x2, y2) = points[first], points[last]
        length = math.hypot(x2 - x1, y2 - y1)
        best, index = 0.0, None
        for i in range(first + 1, last):
            x, y = points[i]
            distance = (abs((x2 - x1) * (y1 - y) - (x1 - x) * (y2 - y1)) / length if length
                        else math.hypot(x - x1, y - y1))
            if distance > best:
                best, index = distance, i
        if index is not None and best > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [p for p, kept in zip(points, keep) if kept]


def _area(points: list[tuple[float, float]]) -> float:
    return abs(sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(points, points[1:] + points[:1]))) / 2


def main(source: str) -> None:
    features = [f for f in json.loads(Path(source).read_text(encoding="utf-8"))["features"]
                if str(f["properties"]["lan_code"]).zfill(2) in COUNTIES]
    lons = [p[0] for f in features for ring in _rings(f["geometry"]) for p in ring]
    lats = [p[1] for f in features for ring in _rings(f["geometry"]) for p in ring]
    shrink = math.cos(math.radians((min(lats) + max(lats)) / 2))
    scale = WIDTH / ((max(lons) - min(lons)) * shrink)

    def project(lon: float, lat: float) -> tuple[float, float]:
        return ((lon - min(lons)) * shrink * scale, (max(lats) - lat) * scale)

    municipalities = []
    for feature in sorted(features, key=lambda f: f["properties"]["id"]):
        props = feature["properties"]
        parts, kept = [], []
        for ring in _rings(feature["geometry"]):
            points = _simplify([project(*p[:2]) for p in ring], TOLERANCE)
            if len(points) < 4 or _area(points) < MIN_AREA:
                continue
            rounded = [(round(x, 1), round(y, 1)) for x, y in points[:-1]]
            kept += rounded
            parts.append("M" + "L".join(f"{x:g} {y:g}" for x, y in rounded) + "Z")
        lat, lon = props["geo_point_2d"]
        label = [round(v, 1) for v in project(lon, lat)]
        municipalities.append({"code": props["id"], "county": str(props["lan_code"]).zfill(2),
                               "name": props["kom_namn"], "path": "".join(parts), "label": label,
                               "box": [min(x for x, _ in kept), min(y for _, y in kept),
                                       max(x for x, _ in kept), max(y for _, y in kept)]})
    data = {"attribution": ATTRIBUTION, "width": WIDTH, "height": round((max(lats) - min(lats)) * scale, 1),
            "municipalities": municipalities}
    OUT.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"{len(municipalities)} municipalities, {OUT.stat().st_size} bytes -> {OUT.name}")


if __name__ == "__main__":
    main(sys.argv[1])
