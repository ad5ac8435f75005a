#pragma once
// The Documenten API's operations: validate against the OAS, authorise per informatieobjecttype and
// vertrouwelijkheidaanduiding (as the Zaken API does per zaaktype), apply the standard's rules, write the
// change and its audit trail entry in one transaction. Every update of a document is a new version; content
// goes to a blob store (content.cpp), never through the database.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include "core/audit.h"
#include "core/auth/principal.h"
#include "core/http/client.h"
#include "core/http/message.h"
#include "core/json/schema.h"
#include "core/storage/blob_store.h"
#include "core/type_source.h"
#include "documenten/links.h"
#include "documenten/store.h"

namespace thorbecke::zaken {
class Links;
}
namespace thorbecke::besluiten {
class Links;
}

namespace thorbecke::documenten {

inline constexpr std::string_view kApiRoot = "/documenten/api/v1";
inline constexpr std::string_view kComponent = "drc";

enum class Resource { kDocument, kGebruiksrechten, kVerzending, kLink };
enum class Action { kList, kRead, kCreate, kUpdate, kPartialUpdate, kDelete };

struct Operation {
    Resource resource;
    Action action;
    std::vector<std::string> scopes;
};

struct ContentLimits {
    std::uint64_t document_max_bytes = 4ULL << 30;
    std::uint64_t inline_max_bytes = 128ULL << 20;
    std::uint64_t part_bytes = 16ULL << 20;
};

class Service final : public Links {
  public:
    Service(
        Store& store,
        const json::SchemaSet& schemas,
        TypeSource& types,
        storage::BlobStore& blobs,
        ContentLimits limits,
        http::HttpClient* client = nullptr
    );

    void SetZaken(zaken::Links* zaken) { zaken_ = zaken; }
    void SetBesluiten(besluiten::Links* besluiten) { besluiten_ = besluiten; }
    [[nodiscard]] const ContentLimits& limits() const { return limits_; }

    asio::awaitable<Result<http::Response>> Handle(const Operation& op, http::Request& req);
    asio::awaitable<Result<http::Response>> Search(const Operation& op, http::Request& req);
    asio::awaitable<Result<http::Response>> Audit(const Operation& op, http::Request& req, bool one);
    asio::awaitable<Result<http::Response>> Reserve(const Operation& op, http::Request& req);
    //! POST /document_registreren: a document and its zaakinformatieobject in one transaction.
    asio::awaitable<Result<http::Response>> Register(const Operation& op, http::Request& req);
    asio::awaitable<Result<http::Response>> Lock(const Operation& op, http::Request& req);
    asio::awaitable<Result<http::Response>> Unlock(const Operation& op, http::Request& req);
    // content.cpp
    asio::awaitable<Result<http::Response>> Download(const Operation& op, http::Request& req);
    asio::awaitable<Result<http::Response>> PutPart(const Operation& op, http::Request& req);

    // Links (for the Zaken and Besluiten APIs of this platform)
    [[nodiscard]] bool IsLocal(std::string_view url, std::string_view base) const override;
    asio::awaitable<Result<std::optional<DocumentFacts>>> Facts(storage::Session& s, std::string url, std::string base)
        override;
    asio::awaitable<Status> Link(
        storage::Session& s, std::string informatieobject, std::string object, std::string object_type, std::string base
    ) override;
    asio::awaitable<Status> Unlink(
        storage::Session& s, std::string informatieobject, std::string object, std::string base
    ) override;

    struct Ctx;
    struct Content;

  private:
    // service.cpp: documents
    asio::awaitable<Result<http::Response>> ListDocuments(
        const Operation& op, http::Request& req, const boost::json::object& params, bool search
    );
    //! `expand=informatieobjecttype`: the type's JSON under `_expand` (types: fetched ones, by URL).
    asio::awaitable<std::string> Expand(
        std::string rendered, std::string base, std::map<std::string, std::string>& types
    );
    asio::awaitable<Result<http::Response>> ReadDocument(const Operation& op, http::Request& req);
    //! More writes in the document's transaction, given the new document's URL (document_registreren).
    using AfterWrite = std::function<asio::awaitable<Status>(storage::Session&, const std::string&)>;
    asio::awaitable<Result<http::Response>> WriteDocument(
        const Operation& op, http::Request& req, const AfterWrite* after = nullptr
    );
    asio::awaitable<Result<http::Response>> DeleteDocument(const Operation& op, http::Request& req);
    asio::awaitable<Status> WriteDocumentIn(storage::Session& s, Ctx& ctx, Content& content);
    asio::awaitable<Result<std::string>> GenerateIdentificatie(
        storage::Session& s, std::string bronorganisatie, std::string creatiedatum
    );
    asio::awaitable<Result<boost::json::object>> FetchType(std::string url, std::string base, storage::Session* s);
    asio::awaitable<Result<std::string>> RenderDocument(
        storage::Session& s, const DocumentRow& row, const VersionRow& version, const std::string& base
    );
    asio::awaitable<Status> WriteAudit(
        storage::Session& s,
        const http::Request& req,
        const DocumentRow& document,
        std::string_view actie,
        int resultaat,
        std::string_view resource,
        std::string resource_url,
        std::string weergave,
        std::string_view oud,
        std::string_view nieuw
    );
    //! The audit trail entry of a change of the document itself.
    asio::awaitable<Status> AuditDocument(
        storage::Session& s,
        const http::Request& req,
        const DocumentRow& document,
        std::string_view actie,
        int resultaat,
        std::string weergave,
        std::string_view oud,
        std::string_view nieuw
    );
    //! Announces a write on the documenten kanaal, in the same transaction (the outbox).
    asio::awaitable<Status> Announce(
        storage::Session& s, const audit::Change& change, const DocumentRow& document, const std::string& base
    );
    //! The document, locked for the transaction, when the caller may change it with one of `scopes`.
    asio::awaitable<Result<DocumentRow>> Writable(
        storage::Session& s, const std::string& uuid, const http::Request& req, const std::vector<std::string>& scopes
    );
    // relations.cpp: gebruiksrechten, verzendingen, objectinformatieobjecten
    asio::awaitable<Result<http::Response>> ListChildren(const Operation& op, http::Request& req);
    asio::awaitable<Result<http::Response>> ReadChild(const Operation& op, http::Request& req);
    asio::awaitable<Result<http::Response>> WriteChild(const Operation& op, http::Request& req);
    asio::awaitable<Result<http::Response>> DeleteChild(const Operation& op, http::Request& req);
    //! `expand=informatieobject[.informatieobjecttype]` of gebruiksrechten and verzendingen.
    asio::awaitable<Status> ExpandChildren(
        storage::Session& s,
        std::vector<std::string>& rendered,
        const std::vector<std::string>& documents,
        int depth,
        const std::string& base
    );
    asio::awaitable<void> ExpandTypes(std::vector<std::string>& rendered, const std::string& base);
    asio::awaitable<Status> CheckObject(http::Request& req, const boost::json::object& body, std::string& remote_check);
    // content.cpp
    //! Decodes base64 `inhoud` into a new blob, off the event loop; nullopt for null/absent content.
    asio::awaitable<Result<std::optional<storage::BlobInfo>>> StoreInline(const boost::json::value* inhoud);
    //! Creates the parts of an upload of `size` bytes for the document.
    asio::awaitable<Status> CreateParts(storage::Session& s, std::string document, std::int64_t size);
    //! Marks a blob this request wrote as one a row is about to refer to, so that ForgetBlobs, which sees only
    //! committed rows, leaves it alone; 503 when another request removed it before the mark (retry).
    Status Hold(const std::string& key);
    void Release(const std::string& key);
    //! Removes blobs no row refers to and no request holds (after a commit).
    asio::awaitable<void> ForgetBlobs(std::vector<std::string> keys);
    asio::awaitable<void> ForgetBlob(std::string key);
    std::string PartsJson(const std::vector<PartRow>& parts, const std::string& lock, const std::string& base) const;

    //! A parameter the endpoint's OAS does not name (400 unknown-parameters), or a value outside its enum.
    //! GET …/{uuid}[/download] parameters: which version (versie, or the one valid at registratieOp).
    struct VersionQuery {
        std::int64_t versie = 0;
        std::string registratie_op;  // UTC instant
    };
    Result<VersionQuery> WhichVersion(const http::Request& req, const std::string& path) const;
    std::optional<InvalidParam> CheckListParam(
        const std::string& path, const std::string& name, const std::string& value
    ) const;
    std::map<std::string, std::map<std::string, std::vector<std::string>>> list_params_;

    Store& store_;
    const json::SchemaSet& schemas_;
    TypeSource& types_;
    storage::BlobStore& blobs_;
    ContentLimits limits_;
    http::HttpClient* client_ = nullptr;
    std::mutex holds_mutex_;
    std::multiset<std::string> holds_;
    zaken::Links* zaken_ = nullptr;
    besluiten::Links* besluiten_ = nullptr;
};

}  // namespace thorbecke::documenten
