#pragma once
// The Notificaties API's operations: kanalen (where publishers announce), abonnementen (who receives what,
// at which callback, with which Authorization header) and POST /notificaties (publish: into the outbox, in a
// transaction; the dispatcher delivers). Validated against the OAS, with the rules of the reference
// implementation (Open Notificaties).
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include "core/error.h"
#include "core/http/client.h"
#include "core/http/message.h"
#include "core/json/schema.h"
#include "notificaties/store.h"

namespace thorbecke::notificaties {

inline constexpr std::string_view kApiRoot = "/notificaties/api/v1";
inline constexpr std::string_view kComponent = "nrc";

enum class Action { kList, kRead, kCreate, kUpdate, kPartialUpdate, kDelete };

//! One endpoint: what it does and which scopes (any one of them) it needs, as the OAS says.
struct Operation {
    Action action;
    std::vector<std::string> scopes;
};

class Service {
  public:
    //! `callbacks` checks a new callback URL (made with the address policy: block_private_addresses).
    Service(Store& store, const json::SchemaSet& schemas, http::HttpClient& callbacks);

    //! Registers the kanalen this platform publishes on (zaken, documenten, besluiten, autorisaties and the
    //! Catalogi types) with their kenmerken, where missing. Kanalen that exist are left as they are.
    asio::awaitable<Status> EnsureKanalen();

    asio::awaitable<Result<http::Response>> ListKanalen(const Operation& op, http::Request& req);
    asio::awaitable<Result<http::Response>> ReadKanaal(const Operation& op, http::Request& req);
    //! POST /kanaal, PUT and PATCH /kanaal/{uuid}
    asio::awaitable<Result<http::Response>> WriteKanaal(const Operation& op, http::Request& req);

    asio::awaitable<Result<http::Response>> ListAbonnementen(const Operation& op, http::Request& req);
    asio::awaitable<Result<http::Response>> ReadAbonnement(const Operation& op, http::Request& req);
    //! POST /abonnement, PUT and PATCH /abonnement/{uuid}
    asio::awaitable<Result<http::Response>> WriteAbonnement(const Operation& op, http::Request& req);
    asio::awaitable<Result<http::Response>> RemoveAbonnement(const Operation& op, http::Request& req);

    //! POST /notificaties
    asio::awaitable<Result<http::Response>> Publish(const Operation& op, http::Request& req);

  private:
    //! Every kanaal of `kanalen` exists and the filters name only its kenmerken.
    asio::awaitable<Status> CheckKanalen(storage::Session& s, const std::vector<KanaalFilter>& kanalen);
    //! Posts a test notification to `url` with `auth` as Authorization header: a 2xx answer is needed.
    asio::awaitable<Status> CheckCallback(std::string url, std::string auth, std::string abonnement_url);

    Store& store_;
    const json::SchemaSet& schemas_;
    http::HttpClient& callbacks_;
    //! The query parameters each list accepts (others: 400 unknown-parameters).
    std::map<std::string, std::map<std::string, std::vector<std::string>>> query_params_;
};

}  // namespace thorbecke::notificaties
