#pragma once
// The resources of the Catalogi API and how each one is stored, filtered and related. One table of
// descriptors drives storage, validation and the HTTP routes, so the ten resources share one engine and
// differ only where the standard makes them differ (see rules.cpp).
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace thorbecke::catalogi {

enum class KindId {
    kCatalogus,
    kZaaktype,
    kStatustype,
    kRoltype,
    kResultaattype,
    kEigenschap,
    kInformatieobjecttype,
    kBesluittype,
    kZaakobjecttype,
    kZaaktypeInformatieobjecttype,
};

//! A field of a request that refers to another Catalogi resource by URL.
struct RefField {
    std::string_view name;  // JSON field name
    KindId target;
    bool many = false;           // an array of URLs
    bool same_zaaktype = false;  // the target must belong to the same zaaktype (statustype references)
};

//! A list filter from the OAS: query parameter name → how it filters.
enum class FilterOp {
    kCatalogus,  // catalogus URL → catalogus column
    kZaaktype,   // zaaktype URL → zaaktype column (children) or relation (others)
    kZaaktypeIdentificatie,
    kStatus,           // alles / concept / definitief
    kDatumGeldigheid,  // date within [begin, einde]
    kEquals,           // column = value
    kIContains,        // column contains value, case-insensitive
    kIn,               // column in comma-separated values
    kRelation,         // object has a link (rel) to the given URL's uuid
    kTrefwoorden,      // every given word among the trefwoorden
    kDateEquals,       // date column = value
};

struct Filter {
    std::string_view param;
    FilterOp op;
    std::string_view column = {};         // for kEquals/kIContains/kIn/kDateEquals; rel name for kRelation
    std::optional<KindId> url_kind = {};  // for URL-valued filters
};

//! A read-only list field made of the objects that refer to this one: objects of `source` whose `rel`
//! reference points here (a zaaktype's statustypen are the statustypen whose `zaaktype` is this zaaktype).
struct Incoming {
    std::string_view field;
    KindId source;
    std::string_view rel;
};

struct Kind {
    KindId id;
    std::string_view name;        // "zaaktype": used as the stored kind and in messages
    std::string_view collection;  // "zaaktypen": the path segment
    std::string_view schema;      // response schema, e.g. "ZaakType"
    std::string_view request_schema;
    std::string_view patch_schema;
    bool publishable = false;  // has `concept` and a /publish action
    bool child_of_zaaktype = false;
    bool writable = true;  // catalogussen: create only (no update/delete in Catalogi 1.3)
    std::vector<RefField> refs;
    std::vector<Filter> filters;
    //! Columns attr1..attr3 hold these request fields (for filters); empty: unused.
    std::string_view attr1, attr2, attr3;
    //! Field whose value groups versions of one type (zaaktype: identificatie; others: omschrijving).
    std::string_view version_key;
    std::vector<Incoming> incoming = {};
};

const std::vector<Kind>& Kinds();
const Kind& GetKind(KindId id);
const Kind* FindKindByCollection(std::string_view collection);

inline constexpr std::string_view kApiRoot = "/catalogi/api/v1";

//! "<marker>/catalogi/api/v1/<collection>/<uuid>" — the stored form of an internal reference.
std::string StoredUrl(const Kind& kind, std::string_view uuid);

}  // namespace thorbecke::catalogi
