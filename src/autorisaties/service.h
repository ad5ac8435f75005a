#pragma once
// The Autorisaties API: applicaties (client ids, label, all rights or autorisaties per component), the rights
// store that authentication reads (core/auth/clients.h). Validates against the OAS, applies the standard's rules
// (ac-001 … ac-003), writes the applicatie and its notification (kanaal `autorisaties`) in one transaction; the
// next request of any client already obeys the change.
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "core/auth/clients.h"
#include "core/http/message.h"
#include "core/json/schema.h"

namespace thorbecke::autorisaties {

namespace asio = boost::asio;

inline constexpr std::string_view kApiRoot = "/autorisaties/api/v1";
inline constexpr std::string_view kComponent = "ac";

enum class Action { kCreate, kUpdate, kPartialUpdate };

class Service {
  public:
    Service(auth::ClientStore& store, const json::SchemaSet& schemas);

    //! GET /applicaties (filter clientIds, paged)
    asio::awaitable<Result<http::Response>> List(http::Request& req);
    asio::awaitable<Result<http::Response>> Read(http::Request& req);
    //! GET /applicaties/consumer?clientId=: the one applicatie of a client id.
    asio::awaitable<Result<http::Response>> Consumer(http::Request& req);
    //! POST /applicaties, PUT and PATCH /applicaties/{uuid}
    asio::awaitable<Result<http::Response>> Write(Action action, http::Request& req);
    asio::awaitable<Result<http::Response>> Remove(http::Request& req);

  private:
    struct Written;
    asio::awaitable<Status> WriteIn(storage::Session& s, Action action, http::Request& req, Written& w);

    auth::ClientStore& store_;
    const json::SchemaSet& schemas_;
    std::map<std::string, std::map<std::string, std::vector<std::string>>> list_params_;
};

}  // namespace thorbecke::autorisaties
