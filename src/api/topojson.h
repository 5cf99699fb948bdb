// The 2025 commune boundaries (data/geo/vn_communes_3321_2025.topojson, 2.1 MB as TopoJSON, about
// 6 MB as GeoJSON) served one province at a time: the TopoJSON is decoded on first use into one
// GeoJSON FeatureCollection per province (properties: code, name, full_name, unit_type,
// province_code), so a commune map loads only its province's shapes.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include "core/status.h"

namespace stio::api {

// Decodes a TopoJSON document whose object `object` is a GeometryCollection of Polygons and
// MultiPolygons with a `province_code` property, into GeoJSON FeatureCollections by province.
// Coordinates are written with 5 decimals (about 1 m). DataLoss for a malformed document.
Result<std::map<std::string, std::string>> TopoJsonByProvince(std::string_view topojson,
                                                              const std::string& object);

// Thread-safe, decoded once on first use.
class CommuneShapes {
 public:
  explicit CommuneShapes(std::string path) : path_(std::move(path)) {}
  // The FeatureCollection of one province's communes; NotFound if the file is not installed or
  // the province has no communes in it.
  Result<std::string> Province(const std::string& code);

 private:
  std::string path_;
  std::once_flag once_;
  Status status_;
  std::map<std::string, std::string> by_province_;
};

}  // namespace stio::api
