#pragma once
// The VNG selectielijst that the Referentielijsten API serves: procestypen, resultaten, generic
// resultaattypeomschrijvingen and (empty) communicatiekanalen. Parsed once at start-up; every item's response
// JSON is rendered here once, with json::kBaseMarker where the request's base URL goes, so serving is a lookup
// plus a copy. The data never changes while the server runs.
#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/error.h"

namespace thorbecke::referentielijsten {

//! Where Thorbecke serves the Referentielijsten API, relative to its base URL.
inline constexpr std::string_view kApiRoot = "/referentielijsten/api/v1";
//! The version of the Referentielijsten OAS these endpoints implement (the API-version header).
inline constexpr std::string_view kApiVersion = "0.6.0";
//! Items per page of the paginated lists (resultaten, communicatiekanalen), as the reference implementation.
inline constexpr std::size_t kPageSize = 100;

enum class Kind { kProcestype, kResultaat, kResultaattypeomschrijving, kCommunicatiekanaal };
inline constexpr std::size_t kKindCount = 4;

//! The collection's path segment: "procestypen", "resultaten", "resultaattypeomschrijvingen",
//! "communicatiekanalen".
std::string_view CollectionName(Kind kind);

// The models. Items of a Catalog carry URLs relative to the server root ("/referentielijsten/api/v1/...");
// what a Lookup returns carries full URLs.

struct Procestype {
    std::string url;
    std::string uuid;
    int nummer = 0;
    int jaar = 0;
    std::string naam;
    std::string omschrijving;
    std::string toelichting;
    std::string procesobject;
};

struct Resultaat {
    std::string url;
    std::string uuid;
    std::string procestype_url;
    int nummer = 0;
    std::string
        volledig_nummer;   // "<procestype>.<nummer>", for a specifiek resultaat "<procestype>.<generiek>.<nummer>"
    bool generiek = true;  // false: a specifiek resultaat under a generiek one
    std::string naam;
    std::string omschrijving;
    std::string herkomst;
    std::string waardering;     // "blijvend_bewaren" or "vernietigen" (two withdrawn source rows have "")
    std::string procestermijn;  // "nihil", "bestaansduur_procesobject", ... or ""
    std::string bewaartermijn;  // ISO 8601 duration such as "P10Y", or empty where the API says null
    std::string toelichting;
    std::string procestermijn_opmerking;
};

struct Resultaattypeomschrijving {
    std::string url;
    std::string uuid;
    std::string omschrijving;
    std::string definitie;
    std::string opmerking;
};

struct Communicatiekanaal {
    std::string url;
    std::string uuid;
    std::string naam;
    std::string omschrijving;
};

class Catalog {
  public:
    //! Builds a catalog from Django fixtures in the format of data/selectielijst/. Anything unexpected is an
    //! error: the data ships with the binary, so a fault is a build defect to report at start-up.
    static Result<Catalog> Parse(
        std::string_view procestypen_json,
        std::string_view resultaten_json,
        std::string_view resultaattypeomschrijvingen_json
    );
    //! The selectielijst 2020 data compiled into the binary.
    static Result<Catalog> LoadEmbedded();

    // Items in the order the API lists them, URLs relative to the server root.
    [[nodiscard]] const std::vector<Procestype>& procestypen() const { return procestypen_; }
    [[nodiscard]] const std::vector<Resultaat>& resultaten() const { return resultaten_; }
    [[nodiscard]] const std::vector<Resultaattypeomschrijving>& resultaattypeomschrijvingen() const {
        return omschrijvingen_;
    }
    [[nodiscard]] const std::vector<Communicatiekanaal>& communicatiekanalen() const { return kanalen_; }

    [[nodiscard]] std::size_t Count(Kind kind) const { return stored_[Index(kind)].size(); }
    //! Position in the kind's list of the item with this uuid (either case).
    [[nodiscard]] std::optional<std::size_t> Find(Kind kind, std::string_view uuid) const;
    //! The item's response JSON with json::kBaseMarker in front of every URL path (see json::AppendExpanded).
    [[nodiscard]] std::string_view StoredJson(Kind kind, std::size_t index) const {
        return stored_[Index(kind)][index];
    }
    //! Positions in resultaten() of the resultaten of procestypen()[procestype_index], in API order.
    [[nodiscard]] const std::vector<std::size_t>& ResultatenOf(std::size_t procestype_index) const {
        return resultaten_of_[procestype_index];
    }

  private:
    static constexpr std::size_t Index(Kind kind) { return static_cast<std::size_t>(kind); }
    void BuildIndexes();

    std::vector<Procestype> procestypen_;
    std::vector<Resultaat> resultaten_;
    std::vector<Resultaattypeomschrijving> omschrijvingen_;
    std::vector<Communicatiekanaal> kanalen_;
    std::array<std::vector<std::string>, kKindCount> stored_;
    std::array<std::unordered_map<std::string, std::size_t>, kKindCount> by_uuid_;
    std::vector<std::vector<std::size_t>> resultaten_of_;
};

}  // namespace thorbecke::referentielijsten
