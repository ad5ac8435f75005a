#pragma once
// What a handler sees of a request and gives back as a response. Independent of Beast, so components
// and their tests need no networking headers.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/auth/principal.h"

namespace thorbecke::http {

enum class Method { kGet, kHead, kPost, kPut, kPatch, kDelete, kOptions, kOther };
std::string_view MethodName(Method m);

//! Query parameters in order of appearance; a name may repeat.
class QueryParams {
  public:
    void Add(std::string name, std::string value) { items_.emplace_back(std::move(name), std::move(value)); }
    [[nodiscard]] std::optional<std::string_view> Get(std::string_view name) const;
    [[nodiscard]] bool Has(std::string_view name) const { return Get(name).has_value(); }
    [[nodiscard]] const std::vector<std::pair<std::string, std::string>>& items() const { return items_; }

  private:
    std::vector<std::pair<std::string, std::string>> items_;
};

struct Request {
    Method method = Method::kGet;
    std::string path;    // decoded path, without query string
    std::string target;  // raw request target as received
    QueryParams query;
    std::map<std::string, std::string, std::less<>> headers;  // lower-case names
    std::string body;
    //! Scheme and authority the client used, e.g. "http://localhost:8000"; resource URLs are built from it.
    std::string base_url;
    //! Values of `{name}` segments of the matched route.
    std::map<std::string, std::string, std::less<>> path_params;
    //! Set by the auth middleware for routes that require authentication.
    std::optional<auth::Principal> principal;
    std::string request_id;

    [[nodiscard]] std::string_view Header(std::string_view lower_name) const;
    [[nodiscard]] const std::string& PathParam(std::string_view name) const;
};

struct Response {
    int status = 200;
    std::string content_type = "application/json";
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;
    //! When set, the body is this file's content, streamed from disk (large downloads are never held in
    //! memory); `body` is ignored.
    std::string file_path;

    static Response Json(int status, std::string body);
    static Response NoContent();
    void SetHeader(std::string name, std::string value) { headers.emplace_back(std::move(name), std::move(value)); }
};

}  // namespace thorbecke::http
