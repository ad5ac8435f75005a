#include "import/local.h"

#include <filesystem>
#include <optional>
#include <utility>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include "besluiten/routes.h"
#include "besluiten/service.h"
#include "besluiten/store.h"
#include "catalogi/routes.h"
#include "catalogi/service.h"
#include "catalogi/store.h"
#include "core/http/client.h"
#include "core/http/internal_request.h"
#include "core/http/router.h"
#include "core/json/schema.h"
#include "core/storage/blob_store.h"
#include "core/type_source.h"
#include "documenten/routes.h"
#include "documenten/service.h"
#include "documenten/store.h"
#include "referentielijsten/catalog.h"
#include "referentielijsten/lookup.h"
#include "zaken/routes.h"
#include "zaken/service.h"
#include "zaken/store.h"

namespace thorbecke::embedded {
std::string_view catalogi_openapi();
std::string_view zaken_openapi();
std::string_view besluiten_openapi();
std::string_view documenten_openapi();
}  // namespace thorbecke::embedded

namespace thorbecke::importer {

namespace {

namespace asio = boost::asio;

//! Catalogi types: this platform's in-process, another organisation's (a zaaktype the source itself refers
//! to elsewhere) over HTTP.
class Types final : public TypeSource {
  public:
    Types(catalogi::Service& catalogi, http::HttpClient& client) : catalogi_(catalogi), client_(client) {}
    asio::awaitable<Result<std::optional<std::string>>> Find(
        std::string url, std::string base_url, storage::Session* session
    ) override {
        if (url.starts_with(base_url + "/")) {
            co_return co_await catalogi_.FindByUrl(std::move(url), std::move(base_url), session);
        }
        auto answer = co_await client_.Get(url);
        if (!answer || answer->status != 200) co_return std::nullopt;
        co_return std::move(answer->body);
    }

  private:
    catalogi::Service& catalogi_;
    http::HttpClient& client_;
};

}  // namespace

struct Local::Parts {
    std::optional<json::SchemaSet> catalogi_schemas, zaken_schemas, besluiten_schemas, documenten_schemas;
    std::optional<referentielijsten::Catalog> catalog;
    std::unique_ptr<referentielijsten::Lookup> lookup;
    std::unique_ptr<http::HttpClient> client;
    std::unique_ptr<storage::BlobStore> blobs;
    std::unique_ptr<catalogi::Store> catalogi_store;
    std::unique_ptr<catalogi::Service> catalogi;
    std::unique_ptr<Types> types;
    std::unique_ptr<zaken::Store> zaken_store;
    std::unique_ptr<zaken::Service> zaken;
    std::unique_ptr<besluiten::Store> besluiten_store;
    std::unique_ptr<besluiten::Service> besluiten;
    std::unique_ptr<documenten::Store> documenten_store;
    std::unique_ptr<documenten::Service> documenten;
    http::Router router;
};

Local::Local() : parts_(std::make_unique<Parts>()) {}
Local::~Local() = default;

Result<std::unique_ptr<Local>> Local::Open(
    storage::Database& db, const std::string& data_dir, std::uint64_t part_bytes, std::uint64_t max_bytes
) {
    std::unique_ptr<Local> local(new Local());
    Parts& p = *local->parts_;
    auto load = [](std::optional<json::SchemaSet>& into, std::string_view oas) -> Status {
        auto set = json::SchemaSet::Load(oas);
        if (!set) return Fail(set.error());
        into.emplace(std::move(*set));
        return {};
    };
    if (auto st = load(p.catalogi_schemas, embedded::catalogi_openapi()); !st) return Fail(st.error());
    if (auto st = load(p.zaken_schemas, embedded::zaken_openapi()); !st) return Fail(st.error());
    if (auto st = load(p.besluiten_schemas, embedded::besluiten_openapi()); !st) return Fail(st.error());
    if (auto st = load(p.documenten_schemas, embedded::documenten_openapi()); !st) return Fail(st.error());
    auto catalog = referentielijsten::Catalog::LoadEmbedded();
    if (!catalog) return Fail(catalog.error());
    p.catalog.emplace(std::move(*catalog));
    p.lookup = referentielijsten::MakeLocalLookup(*p.catalog);
    auto client = http::MakeHttpClient();
    if (!client) return Fail(client.error());
    p.client = std::move(*client);
    auto blobs = storage::MakeFileBlobStore((std::filesystem::path(data_dir) / "documenten").string());
    if (!blobs) return Fail(blobs.error());
    p.blobs = std::move(*blobs);

    p.catalogi_store = std::make_unique<catalogi::Store>(db);
    p.catalogi = std::make_unique<catalogi::Service>(*p.catalogi_store, *p.catalogi_schemas, *p.lookup);
    p.types = std::make_unique<Types>(*p.catalogi, *p.client);
    p.zaken_store = std::make_unique<zaken::Store>(db);
    p.zaken = std::make_unique<zaken::Service>(*p.zaken_store, *p.zaken_schemas, *p.types, p.client.get());
    p.besluiten_store = std::make_unique<besluiten::Store>(db);
    p.besluiten =
        std::make_unique<besluiten::Service>(*p.besluiten_store, *p.besluiten_schemas, *p.types, p.client.get());
    p.documenten_store = std::make_unique<documenten::Store>(db);
    documenten::ContentLimits limits;
    limits.part_bytes = part_bytes;
    limits.document_max_bytes = max_bytes;
    p.documenten = std::make_unique<documenten::Service>(
        *p.documenten_store, *p.documenten_schemas, *p.types, *p.blobs, limits, p.client.get()
    );
    p.zaken->SetDocumenten(p.documenten.get());
    p.zaken->SetBesluiten(p.besluiten.get());
    p.besluiten->SetZaken(p.zaken.get());
    p.besluiten->SetDocumenten(p.documenten.get());
    p.documenten->SetZaken(p.zaken.get());
    p.documenten->SetBesluiten(p.besluiten.get());

    catalogi::RegisterRoutes(p.router, *p.catalogi);
    zaken::RegisterRoutes(p.router, *p.zaken, *p.zaken_schemas);
    besluiten::RegisterRoutes(p.router, *p.besluiten, *p.besluiten_schemas);
    documenten::RegisterRoutes(p.router, *p.documenten, *p.documenten_schemas);
    return local;
}

Result<http::Response> Local::Call(
    http::Method method, std::string path, std::string body, std::string content_type, std::string query
) {
    std::string target = query.empty() ? path : path + "?" + query;
    http::Request req =
        http::InternalRequest(method, std::move(path), std::move(body), std::string(kLocalBase), "thorbecke-import");
    req.target = std::move(target);
    if (!req.body.empty()) req.headers["content-type"] = std::move(content_type);
    if (!query.empty()) {
        // Only simple name=value pairs are used by the import (no escaping needed).
        std::string_view rest = query;
        while (!rest.empty()) {
            auto amp = rest.find('&');
            std::string_view pair = rest.substr(0, amp);
            auto eq = pair.find('=');
            req.query.Add(
                std::string(pair.substr(0, eq)), eq == std::string_view::npos ? "" : std::string(pair.substr(eq + 1))
            );
            rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
        }
    }
    req.request_id = "import";
    auto match = parts_->router.Find(method, req.path, req);
    if (!match.route) return Fail(Error::NotFound("geen route voor " + req.path));
    asio::io_context ioc{1};
    auto work = match.route->handler(req);
    auto fut = asio::co_spawn(ioc, std::move(work), asio::use_future);
    ioc.run();
    return fut.get();
}

}  // namespace thorbecke::importer
