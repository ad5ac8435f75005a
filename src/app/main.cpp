// thorbecke: the single binary. `serve` runs the platform; `clients`, `token` and `migrate` are the
// administrator's command line.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <future>
#include <iostream>
#include <string>
#include <vector>

#include <termios.h>
#include <unistd.h>

#include <fmt/format.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include "accounts/accounts.h"
#include "algoritmeregister/assessment_routes.h"
#include "algoritmeregister/pages.h"
#include "algoritmeregister/routes.h"
#include "algoritmeregister/service.h"
#include "algoritmeregister/store.h"
#include "app/platform.h"
#include "autorisaties/routes.h"
#include "autorisaties/service.h"
#include "besluiten/bulk.h"
#include "besluiten/routes.h"
#include "besluiten/service.h"
#include "besluiten/store.h"
#include "catalogi/demo.h"
#include "catalogi/routes.h"
#include "catalogi/service.h"
#include "catalogi/store.h"
#include "core/auth/clients.h"
#include "core/auth/jwt.h"
#include "core/config.h"
#include "core/http/client.h"
#include "core/http/server.h"
#include "core/json/schema.h"
#include "core/log.h"
#include "core/notify/outbox.h"
#include "core/storage/blob_store.h"
#include "core/storage/change_feed.h"
#include "documenten/bulk.h"
#include "documenten/routes.h"
#include "documenten/service.h"
#include "documenten/store.h"
#include "import/importer.h"
#include "notificaties/dispatcher.h"
#include "notificaties/routes.h"
#include "notificaties/service.h"
#include "notificaties/store.h"
#include "referentielijsten/catalog.h"
#include "referentielijsten/lookup.h"
#include "referentielijsten/routes.h"
#include "web/web.h"
#include "zaken/bulk.h"
#include "zaken/routes.h"
#include "zaken/service.h"
#include "zaken/store.h"

namespace thorbecke::embedded {
std::string_view catalogi_openapi();
std::string_view zaken_openapi();
std::string_view besluiten_openapi();
std::string_view documenten_openapi();
std::string_view autorisaties_openapi();
std::string_view notificaties_openapi();
}  // namespace thorbecke::embedded

namespace {

using namespace thorbecke;
namespace asio = boost::asio;

constexpr std::string_view kDemoClient = "demo";
constexpr std::string_view kDemoSecret = "demo-secret";

//! Runs one coroutine to completion on a private io_context (start-up and CLI work).
template <class T>
T RunSync(asio::awaitable<T> work) {
    asio::io_context ioc{1};
    auto fut = asio::co_spawn(ioc, std::move(work), asio::use_future);
    ioc.run();
    return fut.get();
}

std::vector<storage::Migration> AllMigrations() {
    std::vector<storage::Migration> all = auth::ClientStore::Migrations();
    for (auto& m : notify::Migrations()) all.push_back(std::move(m));
    for (auto& m : catalogi::Store::Migrations()) all.push_back(std::move(m));
    for (auto& m : zaken::Store::Migrations()) all.push_back(std::move(m));
    for (auto& m : besluiten::Store::Migrations()) all.push_back(std::move(m));
    for (auto& m : documenten::Store::Migrations()) all.push_back(std::move(m));
    for (auto& m : notificaties::Store::Migrations()) all.push_back(std::move(m));
    for (auto& m : notificaties::DeliveryStore::Migrations()) all.push_back(std::move(m));
    for (auto& m : accounts::AccountStore::Migrations()) all.push_back(std::move(m));
    for (auto& m : web::SessionStore::Migrations()) all.push_back(std::move(m));
    for (auto& m : algoritmeregister::Store::Migrations()) all.push_back(std::move(m));
    for (auto& m : algoritmeregister::Assessments::Migrations()) all.push_back(std::move(m));
    return all;
}

//! The Zaken, Documenten and Besluiten APIs read the Catalogi types they refer to: those of this platform's
//! own Catalogi API in-process (the same JSON a GET would give, without a round trip through HTTP), those of
//! another Catalogi API over HTTP(S) through `client` (give it a caching client: published types do not change).
class CatalogiTypes final : public TypeSource {
  public:
    CatalogiTypes(catalogi::Service& catalogi, http::HttpClient* client) : catalogi_(catalogi), client_(client) {}
    asio::awaitable<Result<std::optional<std::string>>> Find(
        std::string url, std::string base_url, storage::Session* session
    ) override {
        if (url.starts_with(base_url + "/")) {
            co_return co_await catalogi_.FindByUrl(std::move(url), std::move(base_url), session);
        }
        if (!client_) co_return std::nullopt;
        auto answer = co_await client_->Get(url);
        if (!answer || answer->status != 200) co_return std::nullopt;  // the caller answers bad-url
        co_return std::move(answer->body);
    }

  private:
    catalogi::Service& catalogi_;
    http::HttpClient* client_;
};

int Die(const std::string& message) {
    std::fprintf(stderr, "thorbecke: %s\n", message.c_str());
    return 1;
}

//! Web session lifetimes. THORBECKE_WEB_SESSION_IDLE_SECONDS / _ABSOLUTE_SECONDS shorten them for tests; not
//! documented for production use.
web::SessionOptions WebSessionOptions() {
    web::SessionOptions o;
    auto seconds = [](const char* name, std::chrono::seconds fallback) {
        const char* v = std::getenv(name);
        if (!v || !*v) return fallback;
        long n = std::strtol(v, nullptr, 10);
        return n > 0 ? std::chrono::seconds(n) : fallback;
    };
    o.idle = seconds("THORBECKE_WEB_SESSION_IDLE_SECONDS", o.idle);
    o.absolute = seconds("THORBECKE_WEB_SESSION_ABSOLUTE_SECONDS", o.absolute);
    return o;
}

//! Demo staff accounts (serve --demo): a redacteur and a goedkeurder of Gemeente Amsterdam, created if missing.
constexpr std::string_view kDemoOrganisation = "Gemeente Amsterdam";
asio::awaitable<Status> EnsureDemoAccounts(accounts::AccountStore& store) {
    for (std::string_view role : {accounts::kRedacteur, accounts::kGoedkeurder}) {
        auto found = co_await store.Find(role);
        if (!found) co_return Fail(found.error());
        if (*found) continue;
        accounts::NewAccount n;
        n.username = std::string(role);
        n.display_name = role == accounts::kRedacteur ? "Demo Redacteur" : "Demo Goedkeurder";
        n.organisation = std::string(kDemoOrganisation);
        n.roles = {std::string(role)};
        n.password = std::string(role) + "-demo";
        auto created = co_await store.Create(std::move(n));
        if (!created) co_return Fail(created.error());
    }
    co_return Status{};
}

Result<std::unique_ptr<storage::Database>> OpenAndMigrate(const Config& config) {
    if (config.db_url.empty()) std::filesystem::create_directories(config.data_dir);
    storage::Options options;
    options.url = config.DatabaseUrl();
    options.connections_per_thread = config.db_connections_per_thread;
    auto db = storage::Open(options);
    if (!db) return Fail(db.error());
    auto st = (*db)->Migrate(AllMigrations());
    if (!st) return Fail(st.error());
    return db;
}

//! Flags shared by the administrative sub-commands: where the database is.
Result<Config> ParseDbArgs(std::vector<std::string>& args) {
    Config c;
    ApplyEnvironment(c);
    std::vector<std::string> rest;
    for (std::size_t i = 0; i < args.size(); ++i) {
        if ((args[i] == "--db" || args[i] == "--data-dir") && i + 1 < args.size()) {
            (args[i] == "--db" ? c.db_url : c.data_dir) = args[i + 1];
            ++i;
        } else {
            rest.push_back(args[i]);
        }
    }
    args = rest;
    return c;
}

int CmdServe(const std::vector<std::string>& args) {
    auto config = ParseServeArgs(args);
    if (!config) return Die(config.error().detail);
    log::SetAccessLog(config->access_log);

    auto db = OpenAndMigrate(*config);
    if (!db) return Die(db.error().detail);

    auto schemas = json::SchemaSet::Load(embedded::catalogi_openapi());
    if (!schemas) return Die(schemas.error().detail);
    auto catalog = referentielijsten::Catalog::LoadEmbedded();
    if (!catalog) return Die(catalog.error().detail);
    std::unique_ptr<referentielijsten::Lookup> lookup;
    if (config->referentielijsten_url.empty()) {
        lookup = referentielijsten::MakeLocalLookup(*catalog);
    } else {
        auto remote = referentielijsten::MakeRemoteLookup(config->referentielijsten_url);
        if (!remote) return Die(remote.error().detail);
        lookup = std::move(*remote);
    }

    auth::ClientStore clients(
        **db,
        auth::AuthOptions{config->jwt_leeway_seconds, config->jwt_max_age_seconds, config->auth_cache_milliseconds}
    );
    catalogi::Store store(**db);
    catalogi::Service service(store, *schemas, *lookup);
    auto zaken_schemas = json::SchemaSet::Load(embedded::zaken_openapi());
    if (!zaken_schemas) return Die(zaken_schemas.error().detail);
    // Outgoing requests: types of other Catalogi APIs, and what zaken refer to in other APIs (zrc-003).
    auto client = http::MakeHttpClient();
    if (!client) return Die(client.error().detail);
    service.SetReferenceClient(client->get());  // ztc-001/002: bad-url or invalid-resource
    // Other organisations' Catalogi types are remembered for five minutes (published types do not change).
    auto types_client = http::MakeCachingHttpClient(**client, std::chrono::minutes(5));
    CatalogiTypes catalogi_types(service, types_client.get());
    zaken::Store zaken_store(**db);
    // The Besluiten API checks that other organisations' zaken and documents exist over HTTP and remembers the
    // answers for a minute. The Zaken and Documenten APIs ask every time: they read what changes (a document's
    // status, whether a relation exists yet).
    auto references = http::MakeCachingHttpClient(**client, std::chrono::minutes(1));
    zaken::Service zaken_service(zaken_store, *zaken_schemas, catalogi_types, client->get());
    auto besluiten_schemas = json::SchemaSet::Load(embedded::besluiten_openapi());
    if (!besluiten_schemas) return Die(besluiten_schemas.error().detail);
    besluiten::Store besluiten_store(**db);
    besluiten::Service besluiten_service(besluiten_store, *besluiten_schemas, catalogi_types, references.get());
    // Documenten: content in a blob store under the data directory (also with PostgreSQL).
    auto documenten_schemas = json::SchemaSet::Load(embedded::documenten_openapi());
    if (!documenten_schemas) return Die(documenten_schemas.error().detail);
    auto blobs = storage::MakeFileBlobStore((std::filesystem::path(config->data_dir) / "documenten").string());
    if (!blobs) return Die(blobs.error().detail);
    documenten::Store documenten_store(**db);
    documenten::ContentLimits document_limits{
        config->document_max_bytes, config->document_inline_max_bytes, config->document_part_bytes};
    documenten::Service documenten_service(
        documenten_store, *documenten_schemas, catalogi_types, **blobs, document_limits, client->get()
    );
    // The three registers use each other in-process: a relation and its mirror in one transaction.
    zaken_service.SetDocumenten(&documenten_service);
    zaken_service.SetBesluiten(&besluiten_service);
    besluiten_service.SetZaken(&zaken_service);
    besluiten_service.SetDocumenten(&documenten_service);
    documenten_service.SetZaken(&zaken_service);
    documenten_service.SetBesluiten(&besluiten_service);
    std::unique_ptr<storage::ChangeFeed> feed;
    // Zaken renderings are trusted per zaak where PostgreSQL tells every node which zaak changed. On SQLite a
    // zaak is read from the file each time (in-process, and another process may share the file).
    std::unique_ptr<storage::ChangeFeed> zaken_feed;
    if ((*db)->dialect() == storage::Dialect::kPostgres) {
        feed = storage::StartPostgresChangeFeed(config->DatabaseUrl(), std::string(catalogi::kChangeChannel));
        service.SetChangeFeed(feed.get());
        zaken_feed = storage::StartPostgresChangeFeed(config->DatabaseUrl(), std::string(zaken::kChangeChannel));
        zaken_service.SetChangeFeed(zaken_feed.get());
    }
    // Rights changed on any node (Autorisaties API, CLI) end every node's cached rights at once.
    std::unique_ptr<storage::ChangeFeed> auth_feed;
    if ((*db)->dialect() == storage::Dialect::kPostgres) {
        auth_feed = storage::StartPostgresChangeFeed(config->DatabaseUrl(), std::string(auth::kAuthChannel));
        clients.SetChangeFeed(auth_feed.get());
    }
    auto autorisaties_schemas = json::SchemaSet::Load(embedded::autorisaties_openapi());
    if (!autorisaties_schemas) return Die(autorisaties_schemas.error().detail);
    autorisaties::Service autorisaties_service(clients, *autorisaties_schemas);
    // Notificaties: callback URLs are chosen by API clients, so requests to them may reach only public
    // addresses, or the hosts the administrator allows (no requests into the server's own network).
    auto notificaties_schemas = json::SchemaSet::Load(embedded::notificaties_openapi());
    if (!notificaties_schemas) return Die(notificaties_schemas.error().detail);
    http::ClientOptions callback_options;
    callback_options.timeout = std::chrono::milliseconds(config->notificaties_timeout_ms);
    callback_options.max_body_bytes = 64 << 10;
    callback_options.block_private_addresses = true;
    callback_options.allowed_hosts = config->notificaties_allowed_hosts;
    auto callback_client = http::MakeHttpClient(callback_options);
    if (!callback_client) return Die(callback_client.error().detail);
    notificaties::Store notificaties_store(**db);
    notificaties::Service notificaties_service(notificaties_store, *notificaties_schemas, **callback_client);
    if (auto st = RunSync(notificaties_service.EnsureKanalen()); !st) return Die(st.error().detail);
    // The dispatcher delivers what the outbox holds, on a thread of its own, through the same callback client.
    // On PostgreSQL every node hears of commits to the outbox at once.
    std::unique_ptr<storage::ChangeFeed> outbox_feed;
    if ((*db)->dialect() == storage::Dialect::kPostgres) {
        outbox_feed = storage::StartPostgresChangeFeed(config->DatabaseUrl(), std::string(notify::kOutboxChannel));
    }
    notificaties::DispatcherOptions dispatch_options;
    dispatch_options.timeout = std::chrono::milliseconds(config->notificaties_timeout_ms);
    dispatch_options.backoff = std::chrono::milliseconds(config->notificaties_backoff_ms);
    dispatch_options.backoff_max = std::chrono::milliseconds(config->notificaties_backoff_max_ms);
    dispatch_options.retry_window =
        std::chrono::milliseconds(static_cast<std::int64_t>(config->notificaties_retry_hours * 3'600'000.0));
    dispatch_options.poll = std::chrono::milliseconds(config->notificaties_poll_ms);
    dispatch_options.concurrency = static_cast<std::size_t>(config->notificaties_concurrency);
    notificaties::Dispatcher dispatcher(**db, **callback_client, dispatch_options, outbox_feed.get());
    notificaties::DeliveryStore deliveries(**db);
    // Staff accounts: the register's API tokens (and the web pages' sign-in).
    accounts::AccountStore staff_accounts(**db);
    web::SessionStore web_sessions(**db, staff_accounts, WebSessionOptions());
    algoritmeregister::Service register_service(**db);
    algoritmeregister::Assessments register_assessments(**db);

    if (config->demo) {
        auto st = RunSync(clients.Put(auth::ClientSpec{
            std::string(kDemoClient), std::string(kDemoSecret), "Demo (all rights)", true, {}}));
        if (!st) return Die(st.error().detail);
        st = RunSync(catalogi::LoadDemoData(service, store));
        if (!st)
            return Die(fmt::format(
                "demo data: {} {}",
                st.error().detail,
                st.error().invalid_params.empty() ? "" : st.error().invalid_params.front().reason
            ));
        st = RunSync(EnsureDemoAccounts(staff_accounts));
        if (!st) return Die(fmt::format("demo accounts: {}", st.error().detail));
        st = RunSync(register_service.LoadDemoData());
        if (!st) return Die(fmt::format("demo data (algoritmeregister): {}", st.error().detail));
    }

    Metrics metrics;
    storage::Database* dbp = db->get();
    metrics.AddGauges([dbp] {
        auto s = dbp->Stats();
        return std::vector<std::tuple<std::string, std::string, double>>{
            {"thorbecke_db_connections", "Open database connections.", static_cast<double>(s.connections)},
            {"thorbecke_db_connections_busy", "Database connections in use.", static_cast<double>(s.busy)},
            {"thorbecke_db_waiting", "Requests waiting for a database connection.", static_cast<double>(s.waiting)},
        };
    });
    metrics.AddGauges([&dispatcher] {
        return std::vector<std::tuple<std::string, std::string, double>>{
            {"thorbecke_notificaties_pending",
             "Notification deliveries waiting to be sent.",
             static_cast<double>(dispatcher.pending())},
            {"thorbecke_notificaties_failed",
             "Notification deliveries given up after the retry window.",
             static_cast<double>(dispatcher.failed())},
        };
    });

    std::atomic<bool> ready{false};
    http::Router router;
    app::RegisterPlatformRoutes(
        router,
        **db,
        metrics,
        {{"Catalogi API", "/catalogi/api/v1", "1.3.1"},
         {"Zaken API", "/zaken/api/v1", "1.5.1"},
         {"Besluiten API", "/besluiten/api/v1", "1.1.0"},
         {"Documenten API", "/documenten/api/v1", "1.4.2"},
         {"Referentielijsten API", "/referentielijsten/api/v1", "0.6.0"},
         {"Autorisaties API", "/autorisaties/api/v1", "1.0.0"},
         {"Notificaties API", "/notificaties/api/v1", "1.0.0"}},
        ready,
        web_sessions
    );
    catalogi::RegisterRoutes(router, service);
    zaken::RegisterRoutes(router, zaken_service, *zaken_schemas);
    besluiten::RegisterRoutes(router, besluiten_service, *besluiten_schemas);
    documenten::RegisterRoutes(router, documenten_service, *documenten_schemas);
    referentielijsten::RegisterRoutes(router, *catalog);
    autorisaties::RegisterRoutes(router, autorisaties_service, *autorisaties_schemas);
    notificaties::RegisterRoutes(router, notificaties_service, *notificaties_schemas);
    notificaties::RegisterAdminRoutes(router, deliveries);
    algoritmeregister::RegisterRoutes(router, register_service, staff_accounts);
    algoritmeregister::RegisterAssessmentRoutes(
        router, register_assessments, staff_accounts, std::string(algoritmeregister::kApiRoot)
    );

    // The register's pages first: their navigation links come before the sign-in link.
    algoritmeregister::RegisterPages(router, web_sessions, register_service, register_assessments);
    web::RegisterRoutes(router, web_sessions);  // sign-in pages and the stylesheets of the web pages
    // Unknown pages of the register get an HTML page; its API and open data keep problem+json.
    web::AddNotFoundPages(
        router, web_sessions, "/algoritmeregister", {"/algoritmeregister/api/", "/algoritmeregister/open-data/"}
    );

    http::Server server(config->server, router, clients, metrics);
    server.SetApiVersion("/catalogi/api/v1", "1.3.1");
    server.SetApiVersion("/zaken/api/v1", "1.5.1");
    server.SetApiVersion("/besluiten/api/v1", "1.1.0");
    server.SetApiVersion("/documenten/api/v1", "1.4.2");
    server.SetApiVersion("/referentielijsten/api/v1", "0.6.0");
    server.SetApiVersion("/autorisaties/api/v1", "1.0.0");
    server.SetApiVersion("/notificaties/api/v1", "1.0.0");
    server.SetApiVersion(std::string(algoritmeregister::kApiRoot), std::string(algoritmeregister::kApiVersion));
    server.SetApiVersion("/beheer/api/v1", "1.0.0");  // src/app/beheer-openapi.json info.version
    if (!server.Listen()) return 1;
    ready = true;

    std::string host = config->server.host == "0.0.0.0" ? "localhost" : config->server.host;
    std::string url = fmt::format("http://{}:{}", host, server.port());
    std::string engine = config->DatabaseUrl().starts_with("sqlite") ? "SQLite" : "PostgreSQL";
    std::fprintf(stderr, "\nThorbecke is running on %s (storage: %s)\n", url.c_str(), engine.c_str());
    if (config->demo) {
        std::fprintf(
            stderr,
            "\n  *** DEMO MODE: demo data and a client with ALL RIGHTS are loaded. Never use --demo in production. "
            "***\n"
            "  client id: %s   secret: %s\n\n"
            "  Try it:\n"
            "    TOKEN=$(%s token --client-id %s --secret %s)\n"
            "    curl -H \"Authorization: Bearer $TOKEN\" %s/catalogi/api/v1/zaaktypen\n\n"
            "  Demo staff accounts (demo only), sign in at /inloggen: redacteur / redacteur-demo and "
            "goedkeurder / goedkeurder-demo\n\n",
            std::string(kDemoClient).c_str(),
            std::string(kDemoSecret).c_str(),
            "./build/release/src/app/thorbecke",
            std::string(kDemoClient).c_str(),
            std::string(kDemoSecret).c_str(),
            url.c_str()
        );
    } else {
        std::fprintf(
            stderr,
            "  Add an API client with: thorbecke clients add --client-id NAME --secret SECRET --scope "
            "ztc:catalogi.lezen\n\n"
        );
    }
    log::Info("listening", {{"url", url}});
    dispatcher.Start();
    server.Run();
    dispatcher.Stop();
    log::Info("stopped");
    return 0;
}

int CmdClients(std::vector<std::string> args) {
    if (args.empty()) return Die("usage: thorbecke clients add|list|remove|secret [--db URL] ...");
    std::string action = args.front();
    args.erase(args.begin());
    auto config = ParseDbArgs(args);
    if (!config) return Die(config.error().detail);
    auto db = OpenAndMigrate(*config);
    if (!db) return Die(db.error().detail);
    auth::ClientStore clients(**db);
    if (action == "add") {
        auth::ClientSpec spec;
        // --zaaktype and --max-vertrouwelijkheid limit the --scope options that follow them.
        std::string zaaktype, max_vertrouwelijkheid;
        for (std::size_t i = 0; i < args.size(); ++i) {
            const std::string& a = args[i];
            bool has_value = i + 1 < args.size();
            if (a == "--client-id" && has_value)
                spec.client_id = args[++i];
            else if (a == "--secret" && has_value)
                spec.secret = args[++i];
            else if (a == "--label" && has_value)
                spec.label = args[++i];
            else if (a == "--all-rights")
                spec.all_rights = true;
            else if (a == "--scope" && has_value) {
                std::string v = args[++i];
                auto colon = v.find(':');
                if (colon == std::string::npos) return Die("--scope takes COMPONENT:SCOPE, e.g. ztc:catalogi.lezen");
                spec.grants.push_back(auth::Grant{
                    v.substr(0, colon), v.substr(colon + 1), zaaktype, max_vertrouwelijkheid});
            } else if ((a == "--zaaktype" || a == "--besluittype" || a == "--informatieobjecttype") && has_value) {
                // The type a grant is limited to: a zaaktype (zrc), besluittype (brc) or informatieobjecttype (drc).
                zaaktype = args[++i];
            } else if (a == "--max-vertrouwelijkheid" && has_value) {
                max_vertrouwelijkheid = args[++i];
            } else {
                return Die(fmt::format("unknown option '{}' for clients add", a));
            }
        }
        if (spec.client_id.empty() || spec.secret.empty()) return Die("clients add needs --client-id and --secret");
        if (!spec.all_rights && spec.grants.empty())
            return Die("clients add needs --all-rights or at least one --scope");
        auto st = RunSync(clients.Put(spec));
        if (!st) return Die(st.error().detail);
        std::printf("client %s saved\n", spec.client_id.c_str());
        return 0;
    }
    if (action == "list") {
        auto list = RunSync(clients.List());
        if (!list) return Die(list.error().detail);
        for (const auto& c : *list) {
            std::string grants;
            for (const auto& g : c.grants) {
                grants += fmt::format(" {}:{}", g.component, g.scope);
                if (!g.zaaktype.empty()) grants += "@" + g.zaaktype;
                if (!g.max_vertrouwelijkheid.empty()) grants += "<=" + g.max_vertrouwelijkheid;
            }
            std::printf(
                "%s\t%s\t%s%s\n",
                c.client_id.c_str(),
                c.all_rights ? "all-rights" : grants.c_str(),
                c.label.c_str(),
                c.secret.empty() ? " (no secret)" : ""
            );
        }
        return 0;
    }
    if (action == "secret") {
        // A client registered through the Autorisaties API gets the secret that signs its tokens.
        if (args.size() != 4 || args[0] != "--client-id" || args[2] != "--secret" || args[3].empty())
            return Die("usage: thorbecke clients secret --client-id X --secret S");
        auto st = RunSync(clients.SetSecret(args[1], args[3]));
        if (!st) return Die(st.error().detail);
        std::printf("secret of client %s saved\n", args[1].c_str());
        return 0;
    }
    if (action == "remove") {
        if (args.size() != 2 || args[0] != "--client-id") return Die("usage: thorbecke clients remove --client-id X");
        auto removed = RunSync(clients.Remove(args[1]));
        if (!removed) return Die(removed.error().detail);
        std::printf(*removed ? "client removed\n" : "no such client\n");
        return *removed ? 0 : 1;
    }
    return Die(fmt::format("unknown clients action '{}'", action));
}

//! A password for `accounts add|password`: from --password-file or the first line of stdin (never from the
//! command line, where other users of the machine could read it).
Result<std::string> ReadPassword(const std::string& file) {
    std::string line;
    if (!file.empty()) {
        std::ifstream in(file);
        if (!in) return Fail(Error::BadRequest("password_file", fmt::format("cannot read {}", file)));
        std::getline(in, line);
    } else {
        bool tty = isatty(STDIN_FILENO) != 0;
        termios saved{};
        if (tty) {
            std::fputs("Password: ", stderr);
            tcgetattr(STDIN_FILENO, &saved);
            termios quiet = saved;
            quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
            tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
        }
        std::getline(std::cin, line);
        if (tty) {
            tcsetattr(STDIN_FILENO, TCSANOW, &saved);
            std::fputs("\n", stderr);
        }
    }
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return line;
}

int CmdAccounts(std::vector<std::string> args) {
    constexpr const char* kUsage =
        "usage: thorbecke accounts add USERNAME --name NAME --organisation ORG --role redacteur|goedkeurder "
        "[--role ...] [--password-file F]\n"
        "       thorbecke accounts password USERNAME [--password-file F]\n"
        "       thorbecke accounts list | unlock USERNAME | remove USERNAME | token USERNAME [--label L]\n"
        "       (password from --password-file or stdin; database: --db URL or --data-dir DIR)";
    if (args.empty()) return Die(kUsage);
    std::string action = args.front();
    args.erase(args.begin());
    auto config = ParseDbArgs(args);
    if (!config) return Die(config.error().detail);
    std::string username;
    accounts::NewAccount spec;
    std::string password_file;
    std::string label;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        bool has_value = i + 1 < args.size();
        if (a == "--name" && has_value) {
            spec.display_name = args[++i];
        } else if (a == "--organisation" && has_value) {
            spec.organisation = args[++i];
        } else if (a == "--role" && has_value) {
            spec.roles.insert(args[++i]);
        } else if (a == "--password-file" && has_value) {
            password_file = args[++i];
        } else if (a == "--label" && has_value) {
            label = args[++i];
        } else if (a == "--password") {
            return Die("give the password on stdin or with --password-file, not on the command line");
        } else if (!a.starts_with("--") && username.empty()) {
            username = a;
        } else {
            return Die(fmt::format("unknown option '{}' for accounts {}\n{}", a, action, kUsage));
        }
    }
    if (action != "list" && username.empty()) return Die(kUsage);
    auto db = OpenAndMigrate(*config);
    if (!db) return Die(db.error().detail);
    accounts::AccountStore store(**db);
    auto failed = [](const Error& e) {
        std::string text = e.detail;
        for (const auto& p : e.invalid_params) text += fmt::format("\n  {}: {}", p.name, p.reason);
        return Die(text);
    };
    if (action == "add" || action == "password") {
        auto password = ReadPassword(password_file);
        if (!password) return failed(password.error());
        if (action == "add") {
            spec.username = username;
            spec.password = std::move(*password);
            auto created = RunSync(store.Create(std::move(spec)));
            if (!created) return failed(created.error());
            std::printf("account %s saved\n", username.c_str());
        } else {
            auto st = RunSync(store.SetPassword(username, std::move(*password)));
            if (!st) return failed(st.error());
            std::printf("password of %s saved\n", username.c_str());
        }
        return 0;
    }
    if (action == "list") {
        auto list = RunSync(store.List());
        if (!list) return failed(list.error());
        for (const auto& info : *list) {
            std::string roles;
            for (const auto& r : info.account.roles) roles += (roles.empty() ? "" : ",") + r;
            std::printf(
                "%s\t%s\t%s\t%s%s\n",
                info.account.username.c_str(),
                info.account.display_name.c_str(),
                info.account.organisation.c_str(),
                roles.c_str(),
                info.locked_until.empty() ? "" : fmt::format("\tlocked until {}", info.locked_until).c_str()
            );
        }
        return 0;
    }
    if (action == "unlock") {
        auto st = RunSync(store.Unlock(username));
        if (!st) return failed(st.error());
        std::printf("account %s unlocked\n", username.c_str());
        return 0;
    }
    if (action == "remove") {
        auto st = RunSync(store.Remove(username));
        if (!st) return failed(st.error());
        std::printf("account %s removed\n", username.c_str());
        return 0;
    }
    if (action == "token") {
        auto token = RunSync(store.IssueToken(username, label));
        if (!token) return failed(token.error());
        // Shown once: only its hash is stored.
        std::printf("%s\n", token->c_str());
        return 0;
    }
    return Die(fmt::format("unknown accounts action '{}'\n{}", action, kUsage));
}

int CmdToken(const std::vector<std::string>& args) {
    std::string client_id, secret, user_id;
    for (std::size_t i = 0; i + 1 < args.size(); i += 2) {
        if (args[i] == "--client-id")
            client_id = args[i + 1];
        else if (args[i] == "--secret")
            secret = args[i + 1];
        else if (args[i] == "--user-id")
            user_id = args[i + 1];
        else
            return Die(fmt::format("unknown option '{}' for token", args[i]));
    }
    if (client_id.empty() || secret.empty())
        return Die("usage: thorbecke token --client-id X --secret Y [--user-id U]");
    auto now =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    std::printf("%s\n", auth::Sign(client_id, secret, now, user_id).c_str());
    return 0;
}

//! The loader's catalogue goes through the Catalogi service, as API requests would.
class LoaderCatalogue final : public zaken::CatalogueWriter {
  public:
    explicit LoaderCatalogue(catalogi::Service& service) : service_(service) {}
    asio::awaitable<Result<std::string>> Create(std::string collection, std::string body) override {
        const catalogi::Kind* kind = catalogi::FindKindByCollection(collection);
        if (!kind) co_return Fail(Error::Internal("unknown Catalogi collection " + collection));
        std::string base(zaken::kBulkBase);
        co_return co_await service_.CreateFromJson(*kind, body, base);
    }
    asio::awaitable<Status> Publish(std::string collection, std::string uuid) override {
        const catalogi::Kind* kind = catalogi::FindKindByCollection(collection);
        if (!kind) co_return Fail(Error::Internal("unknown Catalogi collection " + collection));
        std::string base(zaken::kBulkBase);
        co_return co_await service_.PublishUuid(*kind, uuid, base);
    }
    //! With documents or besluiten to load: one published informatieobjecttype and besluittype for them.
    asio::awaitable<Result<zaken::CatalogueExtras>> Extras(std::string catalogus) override {
        zaken::CatalogueExtras extras;
        if (!with_types) co_return extras;
        std::string iot_body = fmt::format(
            R"json({{"catalogus": "{}", "omschrijving": "Document van zaken-load", "vertrouwelijkheidaanduiding":
            "openbaar", "beginGeldigheid": "2019-01-01", "informatieobjectcategorie": "Benchmark"}})json",
            catalogus
        );
        auto iot = co_await Create("informatieobjecttypen", iot_body);
        if (!iot) co_return Fail(iot.error());
        if (auto st = co_await Publish("informatieobjecttypen", *iot); !st) co_return Fail(st.error());
        std::string bt_body = fmt::format(
            R"json({{"catalogus": "{}", "omschrijving": "Besluit van zaken-load", "beginGeldigheid": "2019-01-01",
            "publicatieIndicatie": false, "informatieobjecttypen": []}})json",
            catalogus
        );
        auto bt = co_await Create("besluittypen", bt_body);
        if (!bt) co_return Fail(bt.error());
        if (auto st = co_await Publish("besluittypen", *bt); !st) co_return Fail(st.error());
        informatieobjecttype = fmt::format("{}/catalogi/api/v1/informatieobjecttypen/{}", zaken::kBulkBase, *iot);
        besluittype = fmt::format("{}/catalogi/api/v1/besluittypen/{}", zaken::kBulkBase, *bt);
        extras.informatieobjecttypen.push_back(informatieobjecttype);
        extras.besluittypen.push_back(besluittype);
        co_return extras;
    }
    bool with_types = false;
    std::string informatieobjecttype, besluittype;  // set by Extras

  private:
    catalogi::Service& service_;
};

//! `zaken-load`: many zaken at once, for benchmarks and trials (see zaken/bulk.h).
int CmdZakenLoad(std::vector<std::string> args) {
    auto config = ParseDbArgs(args);
    if (!config) return Die(config.error().detail);
    zaken::BulkOptions options;
    bool counted = false;
    long long documenten = 0, besluiten = 0, contents = 1000;
    auto number = [](const std::string& flag, const std::string& text, long long min) -> std::optional<long long> {
        char* end = nullptr;
        long long v = std::strtoll(text.c_str(), &end, 10);
        if (text.empty() || *end != '\0' || v < min) {
            std::fprintf(stderr, "thorbecke: %s takes a whole number of at least %lld\n", flag.c_str(), min);
            return std::nullopt;
        }
        return v;
    };
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (a == "--append") {
            options.append = true;
            continue;
        }
        bool other = a == "--documenten" || a == "--besluiten" || a == "--contents";
        if (i + 1 >= args.size() || (a != "--zaken" && a != "--zaaktypen" && a != "--seed" && a != "--batch" && !other))
            return Die(fmt::format("unknown option '{}' for zaken-load", a));
        auto v = number(a, args[++i], a == "--zaken" || a == "--seed" || other ? 0 : 1);
        if (!v) return 2;
        if (a == "--documenten") {
            documenten = *v;
        } else if (a == "--besluiten") {
            besluiten = *v;
        } else if (a == "--contents") {
            contents = std::max(1LL, *v);
        } else if (a == "--zaken") {
            options.zaken = *v;
            counted = true;
        } else if (a == "--zaaktypen") {
            options.zaaktypen = static_cast<int>(*v);
        } else if (a == "--seed") {
            options.seed = static_cast<std::uint64_t>(*v);
        } else {
            options.batch = static_cast<int>(*v);
        }
    }
    if (!counted) {
        return Die(
            "usage: thorbecke zaken-load (--db URL | --data-dir DIR) --zaken N [--zaaktypen 100] [--seed 1] "
            "[--batch 2000] [--append] [--documenten N [--contents 1000]] [--besluiten N]"
        );
    }
    auto db = OpenAndMigrate(*config);
    if (!db) return Die(db.error().detail);
    auto schemas = json::SchemaSet::Load(embedded::catalogi_openapi());
    if (!schemas) return Die(schemas.error().detail);
    auto catalog = referentielijsten::Catalog::LoadEmbedded();
    if (!catalog) return Die(catalog.error().detail);
    auto lookup = referentielijsten::MakeLocalLookup(*catalog);
    catalogi::Store store(**db);
    catalogi::Service service(store, *schemas, *lookup);
    auto zaken_schemas = json::SchemaSet::Load(embedded::zaken_openapi());
    if (!zaken_schemas) return Die(zaken_schemas.error().detail);
    CatalogiTypes types(service, nullptr);
    zaken::Store zaken_store(**db);
    zaken::Service zaken_service(zaken_store, *zaken_schemas, types);
    LoaderCatalogue catalogue(service);
    catalogue.with_types = documenten > 0 || besluiten > 0;
    if (catalogue.with_types && options.append) return Die("--documenten and --besluiten load into a new database");
    options.progress = [](const std::string& line) { std::fprintf(stderr, "zaken-load: %s\n", line.c_str()); };
    // Documents and besluiten need the other registers, wired as `serve` wires them.
    auto besluiten_schemas = json::SchemaSet::Load(embedded::besluiten_openapi());
    if (!besluiten_schemas) return Die(besluiten_schemas.error().detail);
    besluiten::Store besluiten_store(**db);
    besluiten::Service besluiten_service(besluiten_store, *besluiten_schemas, types);
    auto documenten_schemas = json::SchemaSet::Load(embedded::documenten_openapi());
    if (!documenten_schemas) return Die(documenten_schemas.error().detail);
    auto blobs = storage::MakeFileBlobStore((std::filesystem::path(config->data_dir) / "documenten").string());
    if (!blobs) return Die(blobs.error().detail);
    documenten::Store documenten_store(**db);
    documenten::Service documenten_service(documenten_store, *documenten_schemas, types, **blobs, {});
    zaken_service.SetDocumenten(&documenten_service);
    zaken_service.SetBesluiten(&besluiten_service);
    besluiten_service.SetZaken(&zaken_service);
    besluiten_service.SetDocumenten(&documenten_service);
    documenten_service.SetZaken(&zaken_service);
    documenten_service.SetBesluiten(&besluiten_service);
    auto summary = RunSync(zaken::BulkLoad(zaken_store, zaken_service, catalogue, options));
    if (!summary) return Die(summary.error().detail);
    std::string out = zaken::SummaryJson(*summary);
    storage::KeySource zaken_in_order = [&](std::int64_t after,
                                            std::int64_t limit) -> asio::awaitable<Result<storage::KeyPage>> {
        auto page = co_await zaken::ZakenAfter(zaken_store, after, limit);
        if (!page) co_return Fail(page.error());
        co_return storage::KeyPage{std::move(page->first), page->second};
    };
    if (documenten > 0) {
        documenten::BulkOptions d;
        d.documenten = documenten;
        d.copy.base = std::string(zaken::kBulkBase);
        d.informatieobjecttype = catalogue.informatieobjecttype;
        d.contents = static_cast<int>(contents);
        d.copy.seed = options.seed;
        d.copy.batch = options.batch;
        d.copy.progress = options.progress;
        d.copy.related_rows = zaken::kRelationRows;
        auto loaded = RunSync(documenten::BulkLoad(documenten_store, documenten_service, **blobs, zaken_in_order, d));
        if (!loaded) return Die(loaded.error().detail);
        out.back() = ',';
        out += fmt::format(
            "\"documenten\":{},\"informatieobjecttype\":\"{}\"}}",
            documenten::SummaryJson(*loaded),
            catalogue.informatieobjecttype.substr(zaken::kBulkBase.size())
        );
    }
    if (besluiten > 0) {
        besluiten::BulkOptions b;
        b.besluiten = besluiten;
        b.copy.base = std::string(zaken::kBulkBase);
        b.besluittype = catalogue.besluittype;
        b.copy.seed = options.seed;
        b.copy.batch = options.batch;
        b.copy.progress = options.progress;
        b.copy.related_rows = zaken::kRelationRows;
        besluiten::FindZaakbesluit find = [&](std::string zaak,
                                              std::string besluit) -> asio::awaitable<Result<std::string>> {
            co_return co_await zaken::FindRelation(zaken_store, std::move(zaak), std::move(besluit));
        };
        auto loaded = RunSync(besluiten::BulkLoad(besluiten_store, besluiten_service, zaken_in_order, find, b));
        if (!loaded) return Die(loaded.error().detail);
        out.back() = ',';
        out += fmt::format(
            "\"besluiten\":{},\"besluittype\":\"{}\"}}",
            besluiten::SummaryJson(*loaded),
            catalogue.besluittype.substr(zaken::kBulkBase.size())
        );
    }
    std::printf("%s\n", out.c_str());
    return 0;
}

//! `notificaties status`: per abonnement what is pending, failed and delivered (as GET /beheer/... shows it).
int CmdNotificaties(std::vector<std::string> args) {
    if (args.empty() || args.front() != "status") {
        return Die("usage: thorbecke notificaties status [--db URL | --data-dir DIR]");
    }
    args.erase(args.begin());
    auto config = ParseDbArgs(args);
    if (!config) return Die(config.error().detail);
    if (!args.empty()) return Die(fmt::format("unknown option '{}' for notificaties status", args.front()));
    auto db = OpenAndMigrate(*config);
    if (!db) return Die(db.error().detail);
    notificaties::DeliveryStore deliveries(**db);
    auto list = RunSync(deliveries.Summary());
    if (!list) return Die(list.error().detail);
    std::fputs(notificaties::SummaryText(*list).c_str(), stdout);
    return 0;
}

//! `import`: everything of another ZGW implementation, through its public APIs (see import/importer.h).
int CmdImport(std::vector<std::string> args) {
    auto config = ParseDbArgs(args);
    if (!config) return Die(config.error().detail);
    importer::Options options;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (i + 1 >= args.size()) return Die(fmt::format("unknown option '{}' for import", a));
        if (a == "--from")
            options.source.base_url = args[++i];
        else if (a == "--client-id")
            options.source.client_id = args[++i];
        else if (a == "--secret")
            options.source.secret = args[++i];
        else if (a == "--ca-file")
            options.source.ca_file = args[++i];
        else
            return Die(fmt::format("unknown option '{}' for import", a));
    }
    if (options.source.base_url.empty() || options.source.client_id.empty() || options.source.secret.empty()) {
        return Die("usage: thorbecke import --from URL --client-id X --secret Y [--db URL | --data-dir DIR]");
    }
    auto db = OpenAndMigrate(*config);
    if (!db) return Die(db.error().detail);
    options.data_dir = config->data_dir;
    options.part_bytes = config->document_part_bytes;
    options.document_max_bytes = config->document_max_bytes;
    options.progress = [](const std::string& line) { std::fprintf(stderr, "import: %s\n", line.c_str()); };
    auto summary = importer::Run(**db, options);
    if (!summary) return Die(fmt::format("import: {}", summary.error().detail));
    std::printf("%s\n", importer::SummaryJson(*summary).c_str());
    return summary->failures.empty() ? 0 : 1;
}

int CmdMigrate(std::vector<std::string> args) {
    auto config = ParseDbArgs(args);
    if (!config) return Die(config.error().detail);
    auto db = OpenAndMigrate(*config);
    if (!db) return Die(db.error().detail);
    std::printf("database is up to date\n");
    return 0;
}

void Usage() {
    std::fprintf(stderr, R"(usage: thorbecke <command> [options]
  serve      run the server (thorbecke serve --help)
  clients    add|list|remove API clients: thorbecke clients add --client-id X --secret Y (--all-rights | --scope ztc:catalogi.lezen ...)
             a grant of the Zaken API can be limited to a zaaktype and a maximum vertrouwelijkheidaanduiding:
             --zaaktype URL --max-vertrouwelijkheid openbaar --scope zrc:zaken.lezen (limits apply to later --scope)
             likewise --besluittype URL (brc) and --informatieobjecttype URL (drc); a client's rights are those of its
             applicatie (Autorisaties API): `add` creates or replaces it, and `--all-rights` makes the first admin
             clients secret --client-id X --secret Y: the secret of a client id registered through the Autorisaties API
  token      print a JWT for a client: thorbecke token --client-id X --secret Y
  accounts   staff accounts (web sign-in, register API): accounts add USERNAME --name N --organisation O
             --role redacteur|goedkeurder [--role ...]; accounts password USERNAME; accounts list|unlock|remove
             USERNAME; accounts token USERNAME [--label L] prints an API token once. Passwords come from stdin or
             --password-file, never from the command line.
  migrate    bring the database schema up to date
  zaken-load add zaken in bulk (benchmarks, trials): thorbecke zaken-load --zaken N [--zaaktypen 100] [--seed 1]
             [--batch 2000] [--append] [--documenten N [--contents 1000]] [--besluiten N]; creates a catalogue
             with published zaaktypen and writes one zaak per zaaktype through the Zaken service, the rest in bulk;
             likewise documents (one template, linked to zaken) and besluiten (about zaken); prints progress, then
             a JSON summary
  notificaties status   per abonnement: notification deliveries pending, failed and delivered, the latest error
  import     copy another ZGW implementation's catalogi, zaken, documenten and besluiten into this one:
             thorbecke import --from URL --client-id X --secret Y [--ca-file PEM]; resumable; progress on stderr,
             a JSON summary on stdout; exit 1 when any object was refused
Database for clients/accounts/migrate/zaken-load/notificaties: --db URL or --data-dir DIR (as for serve).
)");
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty()) {
        Usage();
        return 2;
    }
    std::string cmd = args.front();
    args.erase(args.begin());
    // SQLite answers the Zaken API's geo search with GEOS (PostgreSQL: PostGIS).
    storage::RegisterSqlitePredicate("thorbecke_within", &zaken::WithinGeoJson);
    try {
        if (cmd == "serve") {
            if (!args.empty() && (args[0] == "--help" || args[0] == "-h")) {
                std::fputs(ServeUsage().c_str(), stdout);
                return 0;
            }
            return CmdServe(args);
        }
        if (cmd == "clients") return CmdClients(args);
        if (cmd == "accounts") return CmdAccounts(args);
        if (cmd == "token") return CmdToken(args);
        if (cmd == "migrate") return CmdMigrate(args);
        if (cmd == "zaken-load") return CmdZakenLoad(args);
        if (cmd == "notificaties") return CmdNotificaties(args);
        if (cmd == "import") return CmdImport(args);
    } catch (const std::exception& e) {
        return Die(e.what());
    }
    Usage();
    return 2;
}
