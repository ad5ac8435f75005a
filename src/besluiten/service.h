#pragma once
// The Besluiten API's operations: validate against the OAS, check the caller's rights on the besluit (its
// besluittype), apply the standard's rules (brc-001 … brc-009), write the change, what mirrors it in the
// Zaken and Documenten APIs of this platform, and its audit trail entry in one transaction.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include "besluiten/links.h"
#include "besluiten/store.h"
#include "core/audit.h"
#include "core/auth/principal.h"
#include "core/http/client.h"
#include "core/http/message.h"
#include "core/json/schema.h"
#include "core/type_source.h"
#include "documenten/links.h"
#include "zaken/links.h"

namespace thorbecke::besluiten {

inline constexpr std::string_view kApiRoot = "/besluiten/api/v1";
inline constexpr std::string_view kComponent = "brc";

enum class Resource { kBesluit, kBesluitInformatieObject };
enum class Action { kList, kRead, kCreate, kUpdate, kPartialUpdate, kDelete };

//! One endpoint: what it does and which scopes (any one of them) it needs, as the OAS says.
struct Operation {
    Resource resource;
    Action action;
    std::vector<std::string> scopes;
};

class Service final : public Links {
  public:
    //! `client` fetches zaken and documents of other APIs; without one, those references fail as bad-url.
    Service(Store& store, const json::SchemaSet& schemas, TypeSource& types, http::HttpClient* client = nullptr);

    //! The Zaken API of this platform: its zaken are read in-process and get their zaakbesluit in the
    //! besluit's transaction. Null: every zaak is fetched over HTTP and nothing is mirrored.
    void SetZaken(zaken::Links* zaken) { zaken_ = zaken; }
    //! The Documenten API of this platform: its documents are read in-process and get their
    //! objectinformatieobject in the besluitinformatieobject's transaction.
    void SetDocumenten(documenten::Links* documenten) { documenten_ = documenten; }

    // The endpoints, each for the operations of the OAS that RegisterRoutes gives it.
    asio::awaitable<Result<http::Response>> List(const Operation& op, http::Request& req);
    asio::awaitable<Result<http::Response>> Read(const Operation& op, http::Request& req);
    //! POST /besluiten, PUT and PATCH /besluiten/{uuid}
    asio::awaitable<Result<http::Response>> WriteBesluit(const Operation& op, http::Request& req);
    asio::awaitable<Result<http::Response>> RemoveBesluit(const Operation& op, http::Request& req);
    asio::awaitable<Result<http::Response>> CreateBio(const Operation& op, http::Request& req);
    asio::awaitable<Result<http::Response>> RemoveBio(const Operation& op, http::Request& req);
    //! GET /besluiten/{besluit_uuid}/audittrail, and one entry of it with the path parameter `uuid`.
    asio::awaitable<Result<http::Response>> AuditTrail(const Operation& op, http::Request& req);
    //! POST /besluit_verwerken: a besluit with its besluitinformatieobjecten in one transaction.
    asio::awaitable<Result<http::Response>> Verwerken(const Operation& op, http::Request& req);

    // besluiten::Links
    [[nodiscard]] bool IsLocal(std::string_view url, std::string_view base) const override;
    asio::awaitable<Result<std::optional<BesluitFacts>>> Facts(storage::Session& s, std::string url, std::string base)
        override;
    asio::awaitable<Result<std::vector<BesluitFacts>>> OfZaak(storage::Session& s, std::string zaak, std::string base)
        override;

  private:
    struct BesluitWrite;
    struct BioWrite;

    //! What a write refers to in other APIs, fetched before the transaction so that no lock is held
    //! while another server answers.
    asio::awaitable<Status> FetchZaak(BesluitWrite& w);
    asio::awaitable<Status> FetchDocument(BioWrite& w);
    //! The write inside its transaction: rules, row, mirror, audit.
    asio::awaitable<Status> WriteBesluitIn(storage::Session& s, BesluitWrite& w);
    asio::awaitable<Status> CreateBioIn(storage::Session& s, BioWrite& w);
    //! A Catalogi resource by URL: bad-url / invalid-resource on `field` when it is not one of `collection`.
    asio::awaitable<Result<boost::json::object>> FetchType(
        storage::Session& s, std::string field, std::string url, std::string base, std::string_view collection
    );
    //! brc-002: "BESLUIT-<year>-<number>", unique within the verantwoordelijke organisatie.
    asio::awaitable<Result<std::string>> GenerateIdentificatie(
        storage::Session& s, std::string organisatie, std::string year
    );
    asio::awaitable<Status> WriteAudit(
        storage::Session& s,
        const http::Request& req,
        std::string_view resource,
        std::string_view actie,
        int status,
        const BesluitRow& besluit,
        std::string resource_path,
        std::string_view old_doc,
        std::string_view new_doc
    );
    //! Announces a write on the besluiten kanaal, in the same transaction (the outbox).
    asio::awaitable<Status> Announce(
        storage::Session& s, const audit::Change& change, const BesluitRow& besluit, const std::string& base
    );
    //! A query parameter the OAS does not give the list endpoint `path` (nonFieldErrors unknown-parameters).
    std::optional<InvalidParam> UnknownParam(std::string_view path, std::string_view name) const;

    Store& store_;
    const json::SchemaSet& schemas_;
    TypeSource& types_;
    http::HttpClient* client_ = nullptr;
    zaken::Links* zaken_ = nullptr;
    documenten::Links* documenten_ = nullptr;
};

}  // namespace thorbecke::besluiten
