#pragma once
// Storage of the Besluiten API: besluiten with a column for every list filter (indexed), their
// besluitinformatieobjecten, the audit trail per besluit and the counters of generated identificaties.
// Documents are kept as the response body in stored form (URLs into this server carry the base marker).
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "core/error.h"
#include "core/storage/database.h"
#include "core/storage/where.h"

namespace thorbecke::besluiten {

namespace asio = boost::asio;

struct BesluitRow {
    std::string uuid;
    std::string identificatie;
    std::string organisatie;      // verantwoordelijkeOrganisatie
    std::string besluittype;      // stored URL
    std::string besluittype_key;  // what grants compare: the besluittype's uuid, or its URL if not a Catalogi one
    std::string zaak;             // stored URL; "" when none
    std::string doc;
};

struct BioRow {
    std::string uuid;
    std::string besluit;           // uuid
    std::string informatieobject;  // stored URL
    std::string doc;
};

struct BesluitPage {
    std::vector<BesluitRow> rows;
    std::int64_t count = 0;
};

class Store {
  public:
    explicit Store(storage::Database& db) : db_(db) {}
    static std::vector<storage::Migration> Migrations();
    [[nodiscard]] storage::Database& db() { return db_; }

    asio::awaitable<Result<std::optional<BesluitRow>>> GetBesluit(
        storage::Session& s, std::string uuid, bool for_update
    );
    asio::awaitable<Status> InsertBesluit(storage::Session& s, const BesluitRow& row);
    asio::awaitable<Status> UpdateBesluit(storage::Session& s, const BesluitRow& row);
    //! The besluit with its besluitinformatieobjecten and its audit trail.
    asio::awaitable<Status> DeleteBesluit(storage::Session& s, std::string uuid);
    asio::awaitable<Result<bool>> IdentificatieTaken(
        storage::Session& s, std::string organisatie, std::string identificatie
    );
    //! `where` conditions name the besluit `b`; newest first, as the reference implementation lists them.
    asio::awaitable<Result<BesluitPage>> ListBesluiten(
        storage::Session& s, const storage::Where& where, std::int64_t page, std::int64_t page_size
    );
    //! The besluiten whose zaak is `zaak` (stored URL), oldest first.
    asio::awaitable<Result<std::vector<BesluitRow>>> BesluitenOfZaak(storage::Session& s, std::string zaak);

    asio::awaitable<Result<std::optional<BioRow>>> GetBio(storage::Session& s, std::string uuid);
    asio::awaitable<Status> InsertBio(storage::Session& s, const BioRow& row);
    asio::awaitable<Status> DeleteBio(storage::Session& s, std::string uuid);
    asio::awaitable<Result<bool>> BioExists(storage::Session& s, std::string besluit, std::string informatieobject);
    //! `where` conditions name the besluitinformatieobject `o` and its besluit `b`; oldest first.
    asio::awaitable<Result<std::vector<BioRow>>> ListBios(storage::Session& s, const storage::Where& where);

    asio::awaitable<Status> InsertAudit(storage::Session& s, std::string uuid, std::string besluit, std::string doc);
    //! The entries of a besluit (all, or the one with `uuid`): (uuid, stored JSON), oldest first.
    asio::awaitable<Result<std::vector<std::pair<std::string, std::string>>>> AuditOf(
        storage::Session& s, std::string besluit, std::string uuid
    );

  private:
    storage::Database& db_;
};

}  // namespace thorbecke::besluiten
