#pragma once
// The Catalogi API's operations: validate a request against the OAS, apply the standard's rules, store
// it in one transaction and render the resource as the OAS describes it.
#include <functional>
#include <optional>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "catalogi/model.h"
#include "catalogi/store.h"
#include "core/auth/principal.h"
#include "core/http/client.h"
#include "core/http/message.h"
#include "core/json/schema.h"
#include "core/storage/change_feed.h"
#include "referentielijsten/lookup.h"

namespace thorbecke::catalogi {

struct Rendered {
    int status = 200;
    std::string body;
};

class Service {
  public:
    Service(Store& store, const json::SchemaSet& schemas, referentielijsten::Lookup& selectielijst);

    //! With a feed, cached renderings are validated against it instead of a database query per request.
    void SetChangeFeed(storage::ChangeFeed* feed) { feed_ = feed; }
    //! With a client, a selectielijst URL that names no resource of the expected kind is fetched to tell
    //! "cannot be read" (bad-url) from "is not that kind of resource" (invalid-resource), as ztc-001/002 ask.
    void SetReferenceClient(http::HttpClient* client) { reference_client_ = client; }

    asio::awaitable<Result<Rendered>> Retrieve(const Kind& kind, const http::Request& req);
    //! The JSON of the Catalogi resource that `url` names on this server (reached as `base_url`), as a GET
    //! would answer it; nullopt when the URL names no such resource. Other components (Zaken) use it to
    //! read the types they refer to by URL, without an HTTP round trip to themselves. Inside a transaction,
    //! pass its session: a cache miss then reads on that connection instead of waiting for another.
    asio::awaitable<Result<std::optional<std::string>>> FindByUrl(
        std::string url, std::string base_url, storage::Session* session = nullptr
    );
    asio::awaitable<Result<Rendered>> List(const Kind& kind, const http::Request& req);
    asio::awaitable<Result<Rendered>> Create(const Kind& kind, const http::Request& req);
    //! PUT (partial=false) or PATCH (partial=true).
    asio::awaitable<Result<Rendered>> Update(const Kind& kind, const http::Request& req, bool partial);
    asio::awaitable<Status> Delete(const Kind& kind, const http::Request& req);
    asio::awaitable<Result<Rendered>> Publish(const Kind& kind, const http::Request& req);

    //! Renders stored rows (with their derived fields) as JSON objects, in order.
    asio::awaitable<Result<std::vector<std::string>>> Render(
        storage::Session* s, const std::vector<Row>& rows, std::string_view base_url
    );

    //! Creates a resource from a JSON body outside HTTP (demo data). Returns the new uuid.
    asio::awaitable<Result<std::string>> CreateFromJson(
        const Kind& kind, const std::string& body, const std::string& base_url
    );
    asio::awaitable<Status> PublishUuid(const Kind& kind, const std::string& uuid, const std::string& base_url);

  private:
    asio::awaitable<Result<std::string>> RetrieveUuid(
        const Kind& kind, std::string uuid, std::string base_url, std::string path, storage::Session* session
    );
    struct WriteContext;
    asio::awaitable<Result<std::string>> Write(
        const Kind& kind,
        boost::json::object input,
        const std::optional<Row>& existing,
        const std::string& base_url,
        const auth::Principal* principal,
        std::optional<boost::json::object> patch
    );
    asio::awaitable<Status> Prepare(WriteContext& ctx, storage::Session& s);

    //! What the OAS says of a list filter's value: its enum, or that it is a boolean.
    struct ParamSpec {
        std::vector<std::string> choices;
        bool boolean = false;
    };
    std::map<std::pair<KindId, std::string>, ParamSpec> param_specs_;

    //! Which state of the catalogue a rendering belongs to: (source, number), source 0 = the database's
    //! generation, 1 = the change feed's version.
    using CacheTag = std::pair<int, std::int64_t>;
    asio::awaitable<Result<CacheTag>> CurrentTag(storage::Session* session = nullptr);
    using RenderFn = std::function<asio::awaitable<Result<std::string>>(storage::Session&)>;
    //! The body for `key` from this thread's render cache while the catalogue has not changed; otherwise
    //! `render` runs with all its reads in one snapshot, and its body is cached.
    asio::awaitable<Result<std::string>> CachedRender(
        std::string key, RenderFn render, storage::Session* session = nullptr
    );
    void Changed() {
        if (feed_) feed_->LocalChange();
    }

    //! ztc-010: a non-concept-relation error when `row` is related to a published type in a way that blocks
    //! changing it (or, when `deleting`, removing it).
    asio::awaitable<Status> NotRelatedToPublished(storage::Session& s, const Row& row, bool deleting);
    //! Turns the bad-url errors of selectielijst URLs that do answer 200 into invalid-resource.
    asio::awaitable<Error> ClassifyUnresolved(
        Error error, const std::vector<std::pair<std::string, std::string>>& unresolved
    );

    storage::ChangeFeed* feed_ = nullptr;
    http::HttpClient* reference_client_ = nullptr;
    Store& store_;
    const json::SchemaSet& schemas_;
    referentielijsten::Lookup& selectielijst_;
};

}  // namespace thorbecke::catalogi
