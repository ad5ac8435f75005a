#include "core/geo/geometry.h"

#include <charconv>
#include <climits>
#include <cmath>
#include <memory>
#include <new>
#include <stdexcept>
#include <utility>
#include <vector>

#define GEOS_USE_ONLY_R_API
#include <geos_c.h>

#include <fmt/format.h>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

namespace thorbecke::geo {

namespace {

namespace bj = boost::json;

// ---- the per-thread GEOS context ---------------------------------------------------------------------------

// GEOS reports through these handlers instead of printing; the last error message is kept for the Error.
struct Context {
    GEOSContextHandle_t handle = nullptr;
    GEOSWKBReader* reader = nullptr;
    GEOSWKBWriter* writer = nullptr;
    std::string last_error;

    Context() {
        handle = GEOS_init_r();
        if (!handle) throw std::bad_alloc();
        GEOSContext_setNoticeMessageHandler_r(handle, &Ignore, nullptr);
        GEOSContext_setErrorMessageHandler_r(handle, &Remember, this);
    }
    ~Context() {
        if (reader) GEOSWKBReader_destroy_r(handle, reader);
        if (writer) GEOSWKBWriter_destroy_r(handle, writer);
        GEOS_finish_r(handle);
    }
    Context(const Context&) = delete;
    Context& operator=(const Context&) = delete;

    //! The message of the last GEOS failure (cleared by Begin()).
    std::string Message() const { return last_error.empty() ? std::string("onbekende GEOS-fout") : last_error; }
    void Begin() { last_error.clear(); }

    GEOSWKBReader* Reader() {
        if (!reader) reader = GEOSWKBReader_create_r(handle);
        return reader;
    }
    GEOSWKBWriter* Writer() {
        if (!writer) {
            writer = GEOSWKBWriter_create_r(handle);
            if (writer) {
                GEOSWKBWriter_setOutputDimension_r(handle, writer, 2);
                GEOSWKBWriter_setByteOrder_r(handle, writer, GEOS_WKB_NDR);
                GEOSWKBWriter_setIncludeSRID_r(handle, writer, 0);
            }
        }
        return writer;
    }

    static void Ignore(const char*, void*) {}
    static void Remember(const char* message, void* self) {
        try {
            static_cast<Context*>(self)->last_error = message ? message : "";
        } catch (...) {  // out of memory: the failure itself is still reported by the return value
        }
    }
};

Context& Ctx() {
    thread_local Context ctx;
    return ctx;
}

struct GeomDeleter {
    void operator()(GEOSGeometry* g) const noexcept { GEOSGeom_destroy_r(Ctx().handle, g); }
};
using GeomPtr = std::unique_ptr<GEOSGeometry, GeomDeleter>;

Error GeosFailure(std::string_view what) {
    return Error::Internal(fmt::format("GEOS: {} mislukt: {}", what, Ctx().Message()));
}

constexpr int kMaxDepth = 16;  // nesting of GeometryCollections

// ---- GeoJSON -> GEOS ---------------------------------------------------------------------------------------

// Reads one GeoJSON geometry object. On bad input it returns null with reason_ set (a 400 for the caller);
// when GEOS itself fails it returns null with internal_ set.
class GeoJsonReader {
  public:
    explicit GeoJsonReader(GEOSContextHandle_t h) : h_(h) {}

    GeomPtr Read(const bj::value& v, const std::string& path, int depth) {
        const bj::object* obj = v.if_object();
        if (!obj) return Bad(path, "Verwacht een GeoJSON-geometrie: een object met \"type\"");
        const bj::value* type = obj->if_contains("type");
        std::string type_path = Join(path, "type");
        if (!type) return Bad(type_path, "Het veld \"type\" ontbreekt");
        const bj::string* name = type->if_string();
        if (!name) return Bad(type_path, "\"type\" moet een tekst zijn");

        if (*name == "GeometryCollection") return ReadCollection(*obj, path, depth);

        int kind = -1;
        if (*name == "Point") kind = GEOS_POINT;
        if (*name == "MultiPoint") kind = GEOS_MULTIPOINT;
        if (*name == "LineString") kind = GEOS_LINESTRING;
        if (*name == "MultiLineString") kind = GEOS_MULTILINESTRING;
        if (*name == "Polygon") kind = GEOS_POLYGON;
        if (*name == "MultiPolygon") kind = GEOS_MULTIPOLYGON;
        if (kind < 0) {
            return Bad(
                type_path,
                fmt::format(
                    "\"{}\" is geen geldig geometrietype; toegestaan zijn Point, MultiPoint, LineString, "
                    "MultiLineString, Polygon, MultiPolygon en GeometryCollection",
                    std::string_view(*name)
                )
            );
        }
        const bj::value* coords = obj->if_contains("coordinates");
        std::string coords_path = Join(path, "coordinates");
        if (!coords) return Bad(coords_path, "Het veld \"coordinates\" ontbreekt");
        switch (kind) {
            case GEOS_POINT:
                return ReadPoint(*coords, coords_path);
            case GEOS_LINESTRING:
                return ReadLineString(*coords, coords_path);
            case GEOS_POLYGON:
                return ReadPolygon(*coords, coords_path);
            case GEOS_MULTIPOINT:
                return ReadMulti(*coords, coords_path, GEOS_MULTIPOINT, &GeoJsonReader::ReadPoint);
            case GEOS_MULTILINESTRING:
                return ReadMulti(*coords, coords_path, GEOS_MULTILINESTRING, &GeoJsonReader::ReadLineString);
            default:
                return ReadMulti(*coords, coords_path, GEOS_MULTIPOLYGON, &GeoJsonReader::ReadPolygon);
        }
    }

    [[nodiscard]] const std::string& reason() const { return reason_; }
    [[nodiscard]] bool internal() const { return internal_; }

  private:
    using Part = GeomPtr (GeoJsonReader::*)(const bj::value&, const std::string&);

    static std::string Join(const std::string& path, std::string_view member) {
        return path.empty() ? std::string(member) : fmt::format("{}.{}", path, member);
    }
    static std::string Index(const std::string& path, std::size_t i) { return fmt::format("{}[{}]", path, i); }

    GeomPtr Bad(const std::string& path, std::string_view message) {
        reason_ = path.empty() ? fmt::format("{}.", message) : fmt::format("{} ({}).", message, path);
        return nullptr;
    }
    GeomPtr Internal(std::string_view what) {
        internal_ = true;
        reason_ = fmt::format("GEOS: {} mislukt: {}", what, Ctx().Message());
        return nullptr;
    }

    // A position: exactly two finite numbers, appended to buf.
    bool ReadPosition(const bj::value& v, const std::string& path, std::vector<double>& buf) {
        const bj::array* a = v.if_array();
        if (!a || a->size() != 2) {
            Bad(path, "Een positie moet een lijst van precies twee getallen zijn (x, y)");
            return false;
        }
        for (std::size_t i = 0; i < 2; ++i) {
            const bj::value& c = (*a)[i];
            if (!c.is_number()) {
                Bad(Index(path, i), "Een coördinaat moet een getal zijn");
                return false;
            }
            double d = c.to_number<double>();
            if (!std::isfinite(d)) {
                Bad(Index(path, i), "Een coördinaat moet een eindig getal zijn");
                return false;
            }
            buf.push_back(d);
        }
        return true;
    }

    // A list of at least min_size positions.
    bool ReadPositions(
        const bj::value& v,
        const std::string& path,
        std::size_t min_size,
        std::string_view what,
        std::vector<double>& buf
    ) {
        const bj::array* a = v.if_array();
        if (!a) {
            Bad(path, "Verwacht een lijst van posities");
            return false;
        }
        if (a->size() < min_size) {
            Bad(path, fmt::format("{} moet uit minstens {} posities bestaan", what, min_size));
            return false;
        }
        if (a->size() > UINT_MAX / 2) {
            Bad(path, "Te veel posities");
            return false;
        }
        buf.reserve(a->size() * 2);
        for (std::size_t i = 0; i < a->size(); ++i) {
            if (!ReadPosition((*a)[i], Index(path, i), buf)) return false;
        }
        return true;
    }

    GEOSCoordSequence* Sequence(const std::vector<double>& buf) {
        return GEOSCoordSeq_copyFromBuffer_r(h_, buf.data(), static_cast<unsigned>(buf.size() / 2), 0, 0);
    }

    GeomPtr ReadPoint(const bj::value& v, const std::string& path) {
        std::vector<double> buf;
        if (!ReadPosition(v, path, buf)) return nullptr;
        GeomPtr g(GEOSGeom_createPointFromXY_r(h_, buf[0], buf[1]));
        return g ? std::move(g) : Internal("punt maken");
    }

    GeomPtr ReadLineString(const bj::value& v, const std::string& path) {
        std::vector<double> buf;
        if (!ReadPositions(v, path, 2, "Een LineString", buf)) return nullptr;
        GEOSCoordSequence* seq = Sequence(buf);
        if (!seq) return Internal("coördinaten maken");
        GeomPtr g(GEOSGeom_createLineString_r(h_, seq));  // takes the sequence, also when it fails
        return g ? std::move(g) : Internal("lijn maken");
    }

    GeomPtr ReadRing(const bj::value& v, const std::string& path) {
        std::vector<double> buf;
        if (!ReadPositions(v, path, 4, "Een ring", buf)) return nullptr;
        std::size_t n = buf.size();
        if (buf[0] != buf[n - 2] || buf[1] != buf[n - 1]) {
            return Bad(path, "Een ring moet gesloten zijn: de eerste en de laatste positie moeten gelijk zijn");
        }
        GEOSCoordSequence* seq = Sequence(buf);
        if (!seq) return Internal("coördinaten maken");
        GeomPtr g(GEOSGeom_createLinearRing_r(h_, seq));
        return g ? std::move(g) : Internal("ring maken");
    }

    GeomPtr ReadPolygon(const bj::value& v, const std::string& path) {
        const bj::array* a = v.if_array();
        if (!a) return Bad(path, "Verwacht een lijst van ringen");
        if (a->empty()) return Bad(path, "Een lege geometrie is niet toegestaan");
        std::vector<GeomPtr> rings;
        rings.reserve(a->size());
        for (std::size_t i = 0; i < a->size(); ++i) {
            GeomPtr ring = ReadRing((*a)[i], Index(path, i));
            if (!ring) return nullptr;
            rings.push_back(std::move(ring));
        }
        std::vector<GEOSGeometry*> holes;
        holes.reserve(rings.size() - 1);
        for (std::size_t i = 1; i < rings.size(); ++i) holes.push_back(rings[i].release());
        // GEOS takes the shell and holes, also when it fails.
        GeomPtr g(GEOSGeom_createPolygon_r(h_, rings[0].release(), holes.data(), static_cast<unsigned>(holes.size())));
        return g ? std::move(g) : Internal("vlak maken");
    }

    GeomPtr ReadMulti(const bj::value& v, const std::string& path, int type, Part part) {
        const bj::array* a = v.if_array();
        if (!a) return Bad(path, "Verwacht een lijst");
        if (a->empty()) return Bad(path, "Een lege geometrie is niet toegestaan");
        std::vector<GeomPtr> parts;
        parts.reserve(a->size());
        for (std::size_t i = 0; i < a->size(); ++i) {
            GeomPtr p = (this->*part)((*a)[i], Index(path, i));
            if (!p) return nullptr;
            parts.push_back(std::move(p));
        }
        return Collect(type, parts);
    }

    GeomPtr ReadCollection(const bj::object& obj, const std::string& path, int depth) {
        if (depth >= kMaxDepth) return Bad(path, "GeometryCollections zijn te diep genest");
        const bj::value* geoms = obj.if_contains("geometries");
        std::string geoms_path = Join(path, "geometries");
        if (!geoms) return Bad(geoms_path, "Het veld \"geometries\" ontbreekt");
        const bj::array* a = geoms->if_array();
        if (!a) return Bad(geoms_path, "Verwacht een lijst van geometrieën");
        if (a->empty()) return Bad(geoms_path, "Een lege geometrie is niet toegestaan");
        std::vector<GeomPtr> parts;
        parts.reserve(a->size());
        for (std::size_t i = 0; i < a->size(); ++i) {
            GeomPtr p = Read((*a)[i], Index(geoms_path, i), depth + 1);
            if (!p) return nullptr;
            parts.push_back(std::move(p));
        }
        return Collect(GEOS_GEOMETRYCOLLECTION, parts);
    }

    GeomPtr Collect(int type, std::vector<GeomPtr>& parts) {
        if (parts.size() > UINT_MAX) return Bad("", "Te veel geometrieën");
        std::vector<GEOSGeometry*> raw;
        raw.reserve(parts.size());
        for (auto& p : parts) raw.push_back(p.release());
        // GEOS takes the members, also when it fails.
        GeomPtr g(GEOSGeom_createCollection_r(h_, type, raw.data(), static_cast<unsigned>(raw.size())));
        return g ? std::move(g) : Internal("verzameling maken");
    }

    GEOSContextHandle_t h_;
    std::string reason_;
    bool internal_ = false;
};

// ---- checks and output -------------------------------------------------------------------------------------

// For geometries from WKB: the same invariants FromGeoJson guarantees (non-empty everywhere, finite, 2D
// types that GeoJSON has). Returns an empty string when fine.
std::string Check(GEOSContextHandle_t h, const GEOSGeometry* g, int depth) {
    if (depth > kMaxDepth) return "te diep genest";
    int type = GEOSGeomTypeId_r(h, g);
    char empty = GEOSisEmpty_r(h, g);
    if (empty == 2) return Ctx().Message();
    if (empty == 1) return "lege geometrie";
    switch (type) {
        case GEOS_POINT:
        case GEOS_LINESTRING:
        case GEOS_LINEARRING: {
            const GEOSCoordSequence* seq = GEOSGeom_getCoordSeq_r(h, g);
            unsigned size = 0;
            if (!seq || !GEOSCoordSeq_getSize_r(h, seq, &size)) return Ctx().Message();
            for (unsigned i = 0; i < size; ++i) {
                double x = 0, y = 0;
                if (!GEOSCoordSeq_getXY_r(h, seq, i, &x, &y)) return Ctx().Message();
                if (!std::isfinite(x) || !std::isfinite(y)) return "coördinaat is geen eindig getal";
            }
            return {};
        }
        case GEOS_POLYGON: {
            const GEOSGeometry* shell = GEOSGetExteriorRing_r(h, g);
            if (!shell) return Ctx().Message();
            std::string bad = Check(h, shell, depth + 1);
            int holes = GEOSGetNumInteriorRings_r(h, g);
            if (holes < 0) return Ctx().Message();
            for (int i = 0; bad.empty() && i < holes; ++i) {
                const GEOSGeometry* ring = GEOSGetInteriorRingN_r(h, g, i);
                bad = ring ? Check(h, ring, depth + 1) : Ctx().Message();
            }
            return bad;
        }
        case GEOS_MULTIPOINT:
        case GEOS_MULTILINESTRING:
        case GEOS_MULTIPOLYGON:
        case GEOS_GEOMETRYCOLLECTION: {
            int n = GEOSGetNumGeometries_r(h, g);
            if (n < 0) return Ctx().Message();
            for (int i = 0; i < n; ++i) {
                const GEOSGeometry* part = GEOSGetGeometryN_r(h, g, i);
                std::string bad = part ? Check(h, part, depth + 1) : Ctx().Message();
                if (!bad.empty()) return bad;
            }
            return {};
        }
        default:
            return fmt::format("geometrietype {} wordt niet ondersteund", type);
    }
}

void AppendNumber(std::string& out, double d) {
    char buf[32];
    auto r = std::to_chars(buf, buf + sizeof buf, d);
    out.append(buf, r.ptr);
}

// The coordinates of a Point/LineString/LinearRing: [x,y] for a point, [[x,y],…] otherwise.
void AppendSequence(std::string& out, GEOSContextHandle_t h, const GEOSGeometry* g, bool point) {
    const GEOSCoordSequence* seq = GEOSGeom_getCoordSeq_r(h, g);
    unsigned size = 0;
    if (seq) GEOSCoordSeq_getSize_r(h, seq, &size);
    if (!point) out += '[';
    for (unsigned i = 0; i < size; ++i) {
        double x = 0, y = 0;
        GEOSCoordSeq_getXY_r(h, seq, i, &x, &y);
        if (i) out += ',';
        out += '[';
        AppendNumber(out, x);
        out += ',';
        AppendNumber(out, y);
        out += ']';
        if (point) break;
    }
    if (point && size == 0) out += "[]";
    if (!point) out += ']';
}

void AppendCoordinates(std::string& out, GEOSContextHandle_t h, const GEOSGeometry* g) {
    switch (GEOSGeomTypeId_r(h, g)) {
        case GEOS_POINT:
            AppendSequence(out, h, g, true);
            return;
        case GEOS_POLYGON: {
            out += '[';
            if (!GEOSisEmpty_r(h, g)) {
                AppendSequence(out, h, GEOSGetExteriorRing_r(h, g), false);
                int holes = GEOSGetNumInteriorRings_r(h, g);
                for (int i = 0; i < holes; ++i) {
                    out += ',';
                    AppendSequence(out, h, GEOSGetInteriorRingN_r(h, g, i), false);
                }
            }
            out += ']';
            return;
        }
        case GEOS_MULTIPOINT:
        case GEOS_MULTILINESTRING:
        case GEOS_MULTIPOLYGON: {
            out += '[';
            int n = GEOSGetNumGeometries_r(h, g);
            for (int i = 0; i < n; ++i) {
                if (i) out += ',';
                AppendCoordinates(out, h, GEOSGetGeometryN_r(h, g, i));
            }
            out += ']';
            return;
        }
        default:  // LineString, LinearRing
            AppendSequence(out, h, g, false);
    }
}

void AppendGeoJson(std::string& out, GEOSContextHandle_t h, const GEOSGeometry* g) {
    int type = GEOSGeomTypeId_r(h, g);
    if (type == GEOS_GEOMETRYCOLLECTION) {
        out += R"({"type":"GeometryCollection","geometries":[)";
        int n = GEOSGetNumGeometries_r(h, g);
        for (int i = 0; i < n; ++i) {
            if (i) out += ',';
            AppendGeoJson(out, h, GEOSGetGeometryN_r(h, g, i));
        }
        out += "]}";
        return;
    }
    std::string_view name = "LineString";
    switch (type) {
        case GEOS_POINT:
            name = "Point";
            break;
        case GEOS_POLYGON:
            name = "Polygon";
            break;
        case GEOS_MULTIPOINT:
            name = "MultiPoint";
            break;
        case GEOS_MULTILINESTRING:
            name = "MultiLineString";
            break;
        case GEOS_MULTIPOLYGON:
            name = "MultiPolygon";
            break;
        default:
            break;
    }
    out += R"({"type":")";
    out += name;
    out += R"(","coordinates":)";
    AppendCoordinates(out, h, g);
    out += '}';
}

}  // namespace

// ---- Geometry ----------------------------------------------------------------------------------------------

Result<Geometry> Geometry::FromGeoJson(const boost::json::value& v, std::string_view field) {
    Context& ctx = Ctx();
    ctx.Begin();
    GeoJsonReader reader(ctx.handle);
    GeomPtr g = reader.Read(v, "", 0);
    if (!g) {
        if (reader.internal()) return Fail(Error::Internal(reader.reason()));
        return Fail(Error::Field(std::string(field), "invalid", reader.reason()));
    }
    return Geometry(g.release());
}

Result<Geometry> Geometry::FromWkb(std::string_view wkb_bytes) {
    Context& ctx = Ctx();
    ctx.Begin();
    GEOSWKBReader* reader = ctx.Reader();
    if (!reader) return Fail(GeosFailure("WKB-lezer maken"));
    GeomPtr g(GEOSWKBReader_read_r(
        ctx.handle, reader, reinterpret_cast<const unsigned char*>(wkb_bytes.data()), wkb_bytes.size()
    ));
    if (!g) return Fail(GeosFailure("WKB lezen"));
    std::string bad = Check(ctx.handle, g.get(), 0);
    if (!bad.empty()) return Fail(Error::Internal(fmt::format("ongeldige WKB-geometrie: {}", bad)));
    return Geometry(g.release());
}

Geometry::Geometry(Geometry&& other) noexcept : g_(std::exchange(other.g_, nullptr)) {}

Geometry& Geometry::operator=(Geometry&& other) noexcept {
    if (this != &other) {
        if (g_) GEOSGeom_destroy_r(Ctx().handle, g_);
        g_ = std::exchange(other.g_, nullptr);
    }
    return *this;
}

Geometry::~Geometry() {
    if (g_) GEOSGeom_destroy_r(Ctx().handle, g_);
}

std::string Geometry::ToWkb() const {
    Context& ctx = Ctx();
    ctx.Begin();
    GEOSWKBWriter* writer = ctx.Writer();
    std::size_t size = 0;
    unsigned char* bytes = writer ? GEOSWKBWriter_write_r(ctx.handle, writer, g_, &size) : nullptr;
    if (!bytes) throw std::runtime_error("GEOS: WKB schrijven mislukt: " + ctx.Message());
    std::string out(reinterpret_cast<const char*>(bytes), size);
    GEOSFree_r(ctx.handle, bytes);
    return out;
}

std::string Geometry::ToGeoJson() const {
    std::string out;
    AppendGeoJson(out, Ctx().handle, g_);
    return out;
}

BBox Geometry::Bounds() const {
    GEOSContextHandle_t h = Ctx().handle;
    BBox b{NAN, NAN, NAN, NAN};
    GEOSGeom_getXMin_r(h, g_, &b.minx);
    GEOSGeom_getYMin_r(h, g_, &b.miny);
    GEOSGeom_getXMax_r(h, g_, &b.maxx);
    GEOSGeom_getYMax_r(h, g_, &b.maxy);
    return b;
}

Result<bool> Geometry::Within(const Geometry& other) const {
    Context& ctx = Ctx();
    ctx.Begin();
    char r = GEOSWithin_r(ctx.handle, g_, other.g_);
    if (r == 2) return Fail(GeosFailure("within"));
    return r == 1;
}

Result<bool> Geometry::Intersects(const Geometry& other) const {
    Context& ctx = Ctx();
    ctx.Begin();
    char r = GEOSIntersects_r(ctx.handle, g_, other.g_);
    if (r == 2) return Fail(GeosFailure("intersects"));
    return r == 1;
}

}  // namespace thorbecke::geo
