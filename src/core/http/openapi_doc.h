#pragma once
// The OpenAPI description an API serves: the standard's document reduced to what this server implements.
// Built once from the router (after all routes are registered), so the document cannot promise an
// operation that is not served nor hide one that is; per request only the server URL is filled in.
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/http/router.h"

namespace thorbecke::http {

class OpenApiDocument {
  public:
    //! `source` is the standard's (or our own) OAS 3 document as JSON; `api_root` the path its `servers`
    //! entry points at ("/zaken/api/v1"). Paths are kept when the router serves them (HEAD where GET is),
    //! their security is replaced by the access the router checks, and routes under `api_root` the source
    //! lacks are added with a minimal description (listed in `added()`).
    static Result<OpenApiDocument> Build(std::string_view source, const Router& router, const std::string& api_root);

    //! The document for a client that reached the server at `base_url` ("https://zaken.example.nl").
    [[nodiscard]] std::string Json(std::string_view base_url) const;
    [[nodiscard]] std::string Yaml(std::string_view base_url) const;
    [[nodiscard]] const std::string& title() const { return title_; }
    //! "METHOD /path" of routes the source did not describe.
    [[nodiscard]] const std::vector<std::string>& added() const { return added_; }
    //! "METHOD /path" of source operations the router does not serve (dropped).
    [[nodiscard]] const std::vector<std::string>& dropped() const { return dropped_; }

  private:
    // The serialised document with the base-URL marker where the server URL goes.
    std::string json_head_, yaml_head_;
    std::string title_;
    std::vector<std::string> added_, dropped_;
};

//! A JSON document as block-style YAML (strings double-quoted, so every value keeps its JSON type).
Result<std::string> JsonToYaml(std::string_view json);

//! The Thorbecke release, e.g. "0.1.0".
std::string_view ThorbeckeVersion();

}  // namespace thorbecke::http
