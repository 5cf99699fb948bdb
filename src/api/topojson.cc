#include "api/topojson.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <vector>

#include <nlohmann/json.hpp>

namespace stio::api {
namespace {

using nlohmann::json;
using Point = std::pair<double, double>;

void AppendNumber(std::string& out, double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.5f", v);
  // Trim trailing zeros ("105.50000" -> "105.5").
  std::string s(buf);
  if (s.find('.') != std::string::npos) {
    while (!s.empty() && s.back() == '0') s.pop_back();
    if (!s.empty() && s.back() == '.') s.pop_back();
  }
  if (s == "-0") s = "0";
  out += s;
}

void AppendRing(std::string& out, const std::vector<Point>& ring) {
  out += '[';
  for (size_t i = 0; i < ring.size(); ++i) {
    if (i) out += ',';
    out += '[';
    AppendNumber(out, ring[i].first);
    out += ',';
    AppendNumber(out, ring[i].second);
    out += ']';
  }
  out += ']';
}

}  // namespace

Result<std::map<std::string, std::string>> TopoJsonByProvince(std::string_view topojson,
                                                              const std::string& object) {
  const json doc = json::parse(topojson, nullptr, false);
  auto bad = [](const std::string& why) { return Status::DataLoss("TopoJSON: " + why); };
  if (doc.is_discarded() || !doc.is_object()) return bad("not a JSON object");
  if (!doc.contains("arcs") || !doc["arcs"].is_array()) return bad("no arcs");
  if (!doc.contains("objects") || !doc["objects"].contains(object)) {
    return bad("no object '" + object + "'");
  }
  double sx = 1, sy = 1, tx = 0, ty = 0;
  bool quantized = false;
  if (doc.contains("transform")) {
    const json& t = doc["transform"];
    auto pair = [&](const char* k) {
      return t.is_object() && t.contains(k) && t[k].is_array() && t[k].size() == 2 &&
             t[k][0].is_number() && t[k][1].is_number();
    };
    if (!pair("scale") || !pair("translate")) return bad("bad transform");
    sx = t["scale"][0].get<double>();
    sy = t["scale"][1].get<double>();
    tx = t["translate"][0].get<double>();
    ty = t["translate"][1].get<double>();
    quantized = true;
  }
  // Decoded arcs in longitude/latitude.
  std::vector<std::vector<Point>> arcs;
  arcs.reserve(doc["arcs"].size());
  for (const json& arc : doc["arcs"]) {
    if (!arc.is_array()) return bad("an arc is not an array");
    std::vector<Point> pts;
    pts.reserve(arc.size());
    double x = 0, y = 0;
    for (const json& p : arc) {
      if (!p.is_array() || p.size() < 2 || !p[0].is_number() || !p[1].is_number()) {
        return bad("a position is not [x, y]");
      }
      if (quantized) {
        x += p[0].get<double>();
        y += p[1].get<double>();
        pts.push_back({x * sx + tx, y * sy + ty});
      } else {
        pts.push_back({p[0].get<double>(), p[1].get<double>()});
      }
    }
    arcs.push_back(std::move(pts));
  }
  auto ring_of = [&](const json& indexes, std::vector<Point>& ring) -> Status {
    if (!indexes.is_array()) return bad("a ring is not an array of arcs");
    for (const json& ix : indexes) {
      if (!ix.is_number_integer()) return bad("an arc index is not an integer");
      const int64_t i = ix.get<int64_t>();
      const int64_t k = i >= 0 ? i : ~i;
      if (k < 0 || k >= static_cast<int64_t>(arcs.size()))
        return bad("an arc index is out of range");
      std::vector<Point> pts = arcs[static_cast<size_t>(k)];
      if (i < 0) std::reverse(pts.begin(), pts.end());
      ring.insert(ring.end(), pts.begin() + (ring.empty() ? 0 : 1), pts.end());
    }
    return Status::Ok();
  };
  auto polygon = [&](const json& rings, std::string& out) -> Status {
    if (!rings.is_array()) return bad("a polygon is not an array of rings");
    out += '[';
    bool first = true;
    for (const json& r : rings) {
      std::vector<Point> ring;
      if (Status s = ring_of(r, ring); !s.ok()) return s;
      if (!first) out += ',';
      first = false;
      AppendRing(out, ring);
    }
    out += ']';
    return Status::Ok();
  };
  const json& obj = doc["objects"][object];
  if (!obj.is_object() || !obj.contains("geometries") || !obj["geometries"].is_array()) {
    return bad("the object has no geometries");
  }
  const json& geoms = obj["geometries"];
  std::map<std::string, std::string> features;  // province -> features joined by ','
  for (const json& g : geoms) {
    if (!g.is_object() || !g.contains("type") || !g["type"].is_string()) {
      return bad("a geometry is not an object with a type");
    }
    const std::string type = g["type"].get<std::string>();
    if (type != "Polygon" && type != "MultiPolygon") continue;
    const json props = g.contains("properties") ? g["properties"] : json::object();
    if (!props.is_object() || !props.contains("province_code") ||
        !props["province_code"].is_string()) {
      return bad("a geometry has no province_code");
    }
    auto text = [&](const char* k) {
      return props.contains(k) && props[k].is_string() ? props[k].get<std::string>() : "";
    };
    json p = {{"code", text("code")},
              {"name", text("full_name")},
              {"full_name", text("full_name")},
              {"unit_type", text("unit_type")},
              {"province_code", props["province_code"]}};
    std::string coords;
    if (!g.contains("arcs")) return bad("a polygon has no arcs");
    if (type == "Polygon") {
      if (Status s = polygon(g["arcs"], coords); !s.ok()) return s;
    } else {
      if (!g["arcs"].is_array()) return bad("a multipolygon is not an array of polygons");
      coords += '[';
      bool first = true;
      for (const json& poly : g["arcs"]) {
        if (!first) coords += ',';
        first = false;
        if (Status s = polygon(poly, coords); !s.ok()) return s;
      }
      coords += ']';
    }
    std::string& out = features[props["province_code"].get<std::string>()];
    if (!out.empty()) out += ',';
    out += R"({"type":"Feature","properties":)" + p.dump() + R"(,"geometry":{"type":")" + type +
           R"(","coordinates":)" + coords + "}}";
  }
  std::map<std::string, std::string> result;
  for (auto& [prov, fs] : features) {
    result[prov] = R"({"type":"FeatureCollection","features":[)" + fs + "]}";
  }
  return result;
}

Result<std::string> CommuneShapes::Province(const std::string& code) {
  std::call_once(once_, [this] {
    std::ifstream in(path_, std::ios::binary);
    if (!in) {
      status_ = Status::NotFound("the commune boundary file is not installed");
      return;
    }
    std::ostringstream ss;
    ss << in.rdbuf();
    auto decoded = TopoJsonByProvince(ss.str(), "communes");
    if (!decoded.ok()) {
      status_ = decoded.status();
      return;
    }
    by_province_ = std::move(decoded).value();
  });
  if (!status_.ok()) return status_;
  auto it = by_province_.find(code);
  if (it == by_province_.end()) {
    return Status::NotFound("no commune boundaries for province '" + code + "'");
  }
  return it->second;
}

}  // namespace stio::api
