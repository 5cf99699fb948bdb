#!/usr/bin/env python3
"""Derives data/geo/province_centroids_2025.csv from data/geo/vn_provinces_34_2025.geojson.

The centroid of each province is the area centroid of its largest polygon (so that the offshore
archipelagos of Da Nang and Khanh Hoa do not pull it out to sea), in WGS84 degrees, rounded to
1e-4. stio uses it for the distance between provinces when matching technology offers and needs.
Run: python3 scripts/province_centroids.py > data/geo/province_centroids_2025.csv
"""
import json
import sys


def ring_area_centroid(ring):
    a = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1]):
        cross = x0 * y1 - x1 * y0
        a += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    a /= 2.0
    if a == 0:
        return 0.0, ring[0][0], ring[0][1]
    return abs(a), cx / (6 * a), cy / (6 * a)


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else "data/geo/vn_provinces_34_2025.geojson"
    doc = json.load(open(path, encoding="utf-8"))
    out = sys.stdout
    out.write("code,name,lat,lon\n")
    for f in sorted(doc["features"], key=lambda f: f["properties"]["code"]):
        g = f["geometry"]
        polys = [g["coordinates"]] if g["type"] == "Polygon" else g["coordinates"]
        best = max((ring_area_centroid(p[0]) for p in polys), key=lambda t: t[0])
        p = f["properties"]
        out.write(f'{p["code"]},{p["name"]},{best[2]:.4f},{best[1]:.4f}\n')


if __name__ == "__main__":
    main()
