#pragma once
// A small router: routes are "METHOD /path/{param}/..." with literal and parameter segments. Every route
// states its access rule (public or the scopes it needs), so no endpoint can be added without deciding who
// may call it.
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "core/error.h"
#include "core/http/message.h"

namespace thorbecke::http {

namespace asio = boost::asio;

using Handler = std::function<asio::awaitable<Result<Response>>(Request&)>;

//! Who may call a route: public, or an authenticated client holding any one of the listed grants
//! (component + scope, e.g. {"ztc", "catalogi.lezen"}). An empty list means any authenticated client.
struct Access {
    bool is_public = false;
    std::vector<auth::Grant> any_of;

    static Access Public() { return Access{true, {}}; }
    static Access AnyOf(std::vector<auth::Grant> grants) { return Access{false, std::move(grants)}; }
    static Access Scope(std::string component, std::string scope) {
        return Access{false, {auth::Grant{std::move(component), std::move(scope)}}};
    }
};

//! What a route accepts beyond the server's defaults.
struct RouteOptions {
    std::size_t body_limit = 0;  // larger than the server's limit (document uploads); 0: the server's
    bool form_data = false;      // multipart/form-data bodies are accepted besides JSON
};

struct Route {
    Method method;
    std::string pattern;
    Access access;
    Handler handler;
    RouteOptions options;
    //! Metric label: the pattern, so that per-UUID paths do not explode metric cardinality.
    std::vector<std::string> segments;
};

class Router {
  public:
    void Add(Method method, std::string pattern, Access access, Handler handler, RouteOptions options = {});

    struct Match {
        const Route* route = nullptr;
        bool path_known = false;  // some route has this path, but not with this method (405)
    };
    //! Finds the route for method+path and fills request.path_params.
    Match Find(Method method, std::string_view path, Request& request) const;

    [[nodiscard]] const std::vector<std::unique_ptr<Route>>& routes() const { return routes_; }

  private:
    std::vector<std::unique_ptr<Route>> routes_;
};

//! GET <api_root>/schema/openapi.yaml and .json: an API's own description, as the ZGW standards ask; public
//! like any documentation. The views must outlive the router (embedded data).
void AddOpenApiRoutes(Router& router, const std::string& api_root, std::string_view json, std::string_view yaml);

}  // namespace thorbecke::http
