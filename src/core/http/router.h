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

//! Establishes the caller of a request some other way than the ZGW JWT (staff tokens): a 401 Error when the
//! request carries no valid credentials.
using Authenticator = std::function<asio::awaitable<Result<auth::Principal>>(const Request&)>;

//! Who may call a route: public, or an authenticated client holding any one of the listed grants
//! (component + scope, e.g. {"ztc", "catalogi.lezen"}). An empty list means any authenticated client.
//! Routes with an `authenticator` use it instead of the JWT check.
struct Access {
    bool is_public = false;
    std::vector<auth::Grant> any_of;
    std::shared_ptr<const Authenticator> authenticator = {};

    static Access Public() { return Access{true, {}}; }
    static Access AnyOf(std::vector<auth::Grant> grants) { return Access{false, std::move(grants)}; }
    static Access Scope(std::string component, std::string scope) {
        return Access{false, {auth::Grant{std::move(component), std::move(scope)}}};
    }
    static Access By(std::shared_ptr<const Authenticator> authenticator, std::vector<auth::Grant> any_of) {
        return Access{false, std::move(any_of), std::move(authenticator)};
    }
};

//! What a route accepts beyond the server's defaults.
struct RouteOptions {
    std::size_t body_limit = 0;    // larger than the server's limit (document uploads); 0: the server's
    bool form_data = false;        // multipart/form-data bodies are accepted besides JSON
    bool form_urlencoded = false;  // application/x-www-form-urlencoded bodies (HTML forms) are accepted
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

    //! Paths under `prefix` that end in '/' match no route (404, no redirect), as the NL API Design Rules ask
    //! (/core/no-trailing-slash). Elsewhere a trailing slash is ignored, as ZGW clients expect.
    void RefuseTrailingSlash(std::string prefix) { strict_prefixes_.push_back(std::move(prefix)); }

    //! Paths under `prefix` that match no route (and no other method) are answered by `handler`, a public
    //! route: web pages answer an HTML "page not found" instead of problem+json. Paths under any of `except`
    //! (an API inside the site) keep the problem+json 404. The longest matching prefix wins.
    void AddNotFound(std::string prefix, Handler handler, std::vector<std::string> except = {});

  private:
    struct NotFound {
        std::string prefix;
        std::vector<std::string> except;
        std::unique_ptr<Route> route;
    };
    std::vector<std::unique_ptr<Route>> routes_;
    std::vector<std::string> strict_prefixes_;
    std::vector<NotFound> not_found_;
};

//! Where an API publishes its OpenAPI description (public, like any documentation).
struct OpenApiSite {
    std::string api_root;                 // "/zaken/api/v1"
    std::string_view source_json;         // the OAS document; embedded data that outlives the router
    std::vector<std::string> json_paths;  // under api_root, e.g. "/schema/openapi.json"
    std::vector<std::string> yaml_paths;
    std::string docs_path;  // the Swagger UI page under api_root, e.g. "/schema"; empty: none
};

//! Serves the description of what this server implements (see openapi_doc.h): built from `source_json`
//! and the router's routes on the first request, when all routes are registered.
void AddOpenApiSite(Router& router, OpenApiSite site);

//! A ZGW API's description at <api_root>/schema/openapi.json and .yaml, as the standards ask, and its
//! documentation page at <api_root>/schema/. `yaml` is not used: the YAML is rendered from the JSON.
void AddOpenApiRoutes(Router& router, const std::string& api_root, std::string_view json, std::string_view yaml);

}  // namespace thorbecke::http
