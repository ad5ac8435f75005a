#pragma once
// Geometries for the ZGW APIs (zaakgeometrie, the `zaakgeometrie.within` search), on the GEOS C API.
//
// GEOS is used through its reentrant `_r` functions with one context per thread, created lazily on the
// thread's first use (the server runs one io_context per thread, so no context is ever shared). A Geometry
// may be moved to and destroyed on another thread: GEOS objects are not bound to the context that made them.
// It may not be used by two threads at once, not even through const functions: GEOS fills an envelope cache
// on first use.
// Do not keep a Geometry in static or thread_local storage: it must die before its thread's context.
//
// Coordinates are 2D, as the ZGW schema `Point2D` says; no SRID is kept (ZGW geometries are WGS 84).
#include <string>
#include <string_view>

#include <boost/json/value.hpp>

#include "core/error.h"

struct GEOSGeom_t;  // GEOSGeometry in <geos_c.h>

namespace thorbecke::geo {

struct BBox {
    double minx, miny, maxx, maxy;
    friend bool operator==(const BBox&, const BBox&) = default;
};

//! One non-empty 2D geometry. Move-only; a moved-from Geometry may only be assigned to or destroyed.
class Geometry {
  public:
    //! A GeoJSON geometry object (Point, MultiPoint, LineString, MultiLineString, Polygon, MultiPolygon,
    //! GeometryCollection) as the ZGW OAS schema `GeoJSONGeometry` describes it. Bad input gives a 400
    //! validation Error with one invalid_params entry {name: field, code: "invalid", reason: Dutch text that
    //! says where, e.g. "coordinates[0][2]"}. Rejected: a missing or unknown type, missing or non-array
    //! coordinates/geometries, positions that are not exactly two finite numbers, line strings with fewer
    //! than 2 positions, rings with fewer than 4 positions or not closed, and empty geometries (also as a
    //! member of a multi-geometry or collection). Members other than type/coordinates/geometries are ignored.
    static Result<Geometry> FromGeoJson(const boost::json::value& v, std::string_view field);

    //! Binary WKB (either byte order; EWKB with an SRID is accepted and the SRID dropped; Z/M are kept by
    //! GEOS but never written). Corrupt WKB, an empty geometry or non-finite coordinates give a 500 Error:
    //! WKB comes from our own storage, not from clients.
    static Result<Geometry> FromWkb(std::string_view wkb_bytes);

    Geometry(Geometry&& other) noexcept;
    Geometry& operator=(Geometry&& other) noexcept;
    Geometry(const Geometry&) = delete;
    Geometry& operator=(const Geometry&) = delete;
    ~Geometry();

    //! Binary WKB, 2D, little endian (NDR), no SRID: what PostGIS' ST_AsBinary gives for the same geometry.
    //! Throws std::runtime_error only if GEOS fails to write, which does not happen for a valid Geometry.
    [[nodiscard]] std::string ToWkb() const;

    //! Compact GeoJSON text of the same shape as the input ({"type":…,"coordinates":…} or
    //! {"type":"GeometryCollection","geometries":[…]}); numbers shortest round-trip (std::to_chars).
    [[nodiscard]] std::string ToGeoJson() const;

    [[nodiscard]] BBox Bounds() const;

    //! GEOS within: true when no point of this geometry lies outside other and the interiors meet (a point on
    //! the boundary of a polygon is not within it): PostGIS ST_Within, which calls the same GEOS. Works for
    //! every kind, GeometryCollections included. A GEOS failure (e.g. a TopologyException on a badly invalid
    //! polygon) is a 500 Error, never a crash.
    [[nodiscard]] Result<bool> Within(const Geometry& other) const;
    //! GEOS intersects (PostGIS ST_Intersects); the boundary counts. Failures as for Within.
    [[nodiscard]] Result<bool> Intersects(const Geometry& other) const;

  private:
    explicit Geometry(GEOSGeom_t* g) noexcept : g_(g) {}
    GEOSGeom_t* g_ = nullptr;
};

}  // namespace thorbecke::geo
