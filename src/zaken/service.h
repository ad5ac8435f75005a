#pragma once
// The Zaken API's operations: validate against the OAS, check the caller's rights on the zaak (its zaaktype
// and vertrouwelijkheidaanduiding), apply the standard's rules, write the change and its audit trail entry in
// one transaction, and render the resource as the OAS describes it.
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include "besluiten/links.h"
#include "core/audit.h"
#include "core/auth/principal.h"
#include "core/http/client.h"
#include "core/http/message.h"
#include "core/json/schema.h"
#include "core/storage/change_feed.h"
#include "core/type_source.h"
#include "documenten/links.h"
#include "zaken/links.h"
#include "zaken/model.h"
#include "zaken/store.h"

namespace thorbecke::zaken {

using TypeSource = thorbecke::TypeSource;

//! One endpoint: what it does and which scopes (any one of them) it needs, as the OAS says.
enum class Action { kList, kRead, kCreate, kUpdate, kPartialUpdate, kDelete };

struct Operation {
    const Kind* kind;
    Action action;
    std::vector<std::string> scopes;
};

class Service final : public Links {
  public:
    //! `client` fetches what requests refer to in other APIs (documents, objects, contactmomenten,
    //! verzoeken); without one those references are not checked.
    Service(Store& store, const json::SchemaSet& schemas, TypeSource& types, http::HttpClient* client = nullptr);

    //! With a feed, zaak renderings are kept per thread and trusted until the feed says the zaak changed.
    void SetChangeFeed(storage::ChangeFeed* feed) { feed_ = feed; }
    //! The platform's own Documenten API: its documents are checked in-process, and every
    //! zaakinformatieobject on one of them is mirrored by an objectinformatieobject in the same transaction.
    void SetDocumenten(documenten::Links* documenten) { documenten_ = documenten; }
    //! The platform's own Besluiten API: the archiving rules read a zaak's besluiten from it.
    void SetBesluiten(besluiten::Links* besluiten) { besluiten_ = besluiten; }

    // zaken::Links, for the other components of the platform.
    [[nodiscard]] bool IsLocal(std::string_view url, std::string_view base) const override;
    asio::awaitable<Result<std::optional<ZaakFacts>>> Facts(storage::Session& s, std::string url, std::string base)
        override;
    asio::awaitable<Status> AddBesluit(
        storage::Session& s, std::string zaak, std::string besluit, std::string base, const auth::Principal* principal
    ) override;
    asio::awaitable<Status> RemoveBesluit(
        storage::Session& s, std::string zaak, std::string besluit, std::string base, const auth::Principal* principal
    ) override;
    asio::awaitable<Result<std::string>> AddInformatieobject(
        storage::Session& s, http::Request& req, boost::json::object body
    ) override;

    asio::awaitable<Result<http::Response>> Handle(const Operation& op, http::Request& req);
    //! POST /zaken/_zoek
    asio::awaitable<Result<http::Response>> Search(const Operation& op, http::Request& req);
    //! GET /zaken/{zaak_uuid}/audittrail[/{uuid}]
    asio::awaitable<Result<http::Response>> Audit(const Operation& op, http::Request& req, bool one);
    //! POST /zaaknummer_reserveren and /reserveer_zaaknummer
    asio::awaitable<Result<http::Response>> Reserve(const Operation& op, http::Request& req);
    //! The experimental composite endpoints: several writes in one transaction.
    enum class Composite { kRegistreren, kBijwerken, kOpschorten, kVerlengen, kAfsluiten };
    asio::awaitable<Result<http::Response>> RunComposite(const Operation& op, http::Request& req, Composite which);

  private:
    struct Ctx;
    //! The scopes the OAS names for an operation on a resource (a composite's steps need those of each).
    std::vector<std::string> ScopesFor(const Kind& kind, Action action) const;
    asio::awaitable<Result<http::Response>> List(const Operation& op, http::Request& req);
    asio::awaitable<Result<http::Response>> ListZaken(
        const Operation& op, http::Request& req, const boost::json::object& params, bool search
    );
    asio::awaitable<Result<http::Response>> Read(const Operation& op, http::Request& req);
    asio::awaitable<Result<http::Response>> Write(const Operation& op, http::Request& req);
    asio::awaitable<Result<http::Response>> Remove(const Operation& op, http::Request& req);

    //! One create/update inside a transaction: load what is there, merge, apply the rules, store, audit.
    asio::awaitable<Status> WriteIn(storage::Session& s, Ctx& ctx, const std::string& target);
    //! zrc-003 and alike: the resources of other APIs the body refers to must exist (a 200 answer); fetched
    //! before the transaction so no lock is held while waiting for another server.
    asio::awaitable<Status> FetchReferences(Ctx& ctx);
    asio::awaitable<Result<std::string>> RenderWritten(storage::Session& s, Ctx& ctx);
    asio::awaitable<Status> PrepareZaak(Ctx& ctx, storage::Session& s);
    //! zrc-002: "ZAAK-<year>-<number>", unique within the bronorganisatie and not reserved.
    asio::awaitable<Result<std::string>> GenerateIdentificatie(
        storage::Session& s, std::string bronorganisatie, std::string registratiedatum
    );
    asio::awaitable<Status> PrepareObject(Ctx& ctx, storage::Session& s);
    asio::awaitable<Status> CloseOrReopen(Ctx& ctx, storage::Session& s, bool eindstatus);
    asio::awaitable<Status> WriteAudit(Ctx& ctx, storage::Session& s, std::string_view actie, int status);
    //! Announces the write `change` records on the zaken kanaal, in the same transaction (the outbox).
    asio::awaitable<Status> Announce(
        storage::Session& s, const audit::Change& change, const ZaakRow& zaak, const std::string& base
    );
    asio::awaitable<Status> AnnounceRemoval(storage::Session& s, const ZaakRow& zaak, const std::string& base);

    asio::awaitable<Result<std::vector<std::string>>> RenderZaken(
        storage::Session& s, const std::vector<ZaakRow>& rows, const std::string& base
    );
    //! One zaak as the OAS shows it, with the objects it lists.
    static std::string RenderZaak(const ZaakRow& z, const ZaakRelated& related, const std::string& base);
    asio::awaitable<Result<std::vector<std::string>>> RenderObjects(
        storage::Session& s, const Kind& kind, const std::vector<ObjectRow>& rows, const std::string& base
    );
    //! The `expand` parameter (Zaken 1.5): adds `_expand` with the requested related resources to rendered
    //! zaken. Paths are checked against the OAS enum first (ParseExpand).
    Result<std::vector<std::string>> ParseExpand(std::string_view value) const;
    asio::awaitable<Result<std::string>> Expand(
        storage::Session& s,
        std::string rendered,
        const ZaakRow& row,
        std::vector<std::string> paths,
        const std::string& base,
        const auth::Principal* principal,
        const std::vector<std::string>& scopes,
        int depth
    );
    asio::awaitable<Result<boost::json::value>> ExpandObjects(
        storage::Session& s,
        const ZaakRow& zaak,
        const Kind& kind,
        std::vector<std::string> rest,
        const std::string& base,
        bool single
    );
    //! OAS path -> query parameter -> allowed values (empty: any); "/zaken/_zoek": the body's properties.
    std::map<std::string, std::map<std::string, std::vector<std::string>>> list_params_;
    const boost::json::object* zoek_schema_ = nullptr;
    //! A parameter the endpoint does not know, or a value its enum does not allow; list_value: comma-separated.
    std::optional<InvalidParam> CheckListParam(
        const std::string& path, const std::string& name, const std::string& value, bool list_value
    ) const;
    //! A Catalogi resource by URL: bad-url / invalid-resource errors on `field` as the standard names them.
    asio::awaitable<Result<boost::json::object>> FetchType(
        std::string field, std::string url, std::string base, std::string_view expect_path, storage::Session* session
    );

    Store& store_;
    const json::SchemaSet& schemas_;
    TypeSource& types_;
    http::HttpClient* client_ = nullptr;
    storage::ChangeFeed* feed_ = nullptr;
    documenten::Links* documenten_ = nullptr;
    besluiten::Links* besluiten_ = nullptr;
    //! Whether a document URL is one of this platform's (checked in-process, mirrored in its Documenten API).
    [[nodiscard]] bool LocalDocument(const std::string& url, const std::string& base) const {
        return documenten_ && documenten_->IsLocal(url, base);
    }
    [[nodiscard]] bool LocalBesluit(const std::string& url, const std::string& base) const {
        return besluiten_ && besluiten_->IsLocal(url, base);
    }
    asio::awaitable<Status> AuditZaakbesluit(
        storage::Session& s,
        const ZaakRow& zaak,
        const std::string& uuid,
        bool created,
        std::string_view doc,
        const std::string& base,
        const auth::Principal* principal
    );
    //! Removes the objectinformatieobjecten mirroring the zaakinformatieobjecten of these zaken.
    asio::awaitable<Status> UnlinkDocuments(storage::Session& s, std::vector<std::string> zaak_uuids, std::string base);
    void Changed() {
        if (feed_) feed_->LocalChange();
    }
};

}  // namespace thorbecke::zaken
