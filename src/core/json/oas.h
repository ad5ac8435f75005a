#pragma once
// Reading an OpenAPI document for what a server needs besides request validation: the fields a response
// schema shows (in OAS order, with what an absent optional field shows), the values a parameter allows, the
// scopes an operation names, and the base-URL marker applied to URLs in stored JSON. Generic: no component.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "core/http/message.h"
#include "core/json/schema.h"

namespace thorbecke::json {

struct OasField {
    std::string name;
    bool read_only = false;
    //! Shown when a request left the field out: null, "", [], false; nullopt: the field is left out.
    std::optional<boost::json::value> absent;
};

//! The properties of components/schemas/<schema> (allOf members joined, $refs followed) in OAS order.
std::vector<OasField> OasFields(const SchemaSet& set, std::string_view schema);

//! The enum values a parameter or property schema allows (of its items for arrays); empty: any value.
std::vector<std::string> OasChoices(const SchemaSet& set, const boost::json::value* schema);

//! The query parameters of every GET in the OAS: path -> parameter name -> allowed values (empty: any), so a
//! list can refuse what its endpoint does not know.
std::map<std::string, std::map<std::string, std::vector<std::string>>> OasQueryParams(const SchemaSet& set);

//! A parameter that `path`'s GET does not name (400 nonFieldErrors "unknown-parameters"), or a value outside
//! its enum ("invalid_choice"); nullopt when fine or the path is not listed. An empty value is not checked.
std::optional<InvalidParam> CheckQueryParam(
    const std::map<std::string, std::map<std::string, std::vector<std::string>>>& params,
    const std::string& path,
    const std::string& name,
    const std::string& value
);

//! The method of an OAS operation key ("get", "post", ...); nullopt for others (HEAD is served by GET).
std::optional<http::Method> OasMethod(std::string_view key);

//! One operation of an OAS's paths that a server can route (OasMethod), with the scopes it names (OasScopes).
struct OasOperation {
    std::string path;  // as in the OAS, e.g. "/kanaal/{uuid}"
    http::Method method;
    std::vector<std::string> scopes;
};
//! Every routable operation of the OAS, in document order: what a component registers its routes from.
std::vector<OasOperation> OasOperations(const SchemaSet& set);

//! A string member's text; "" when absent or not a string.
std::string TextOf(const boost::json::object& o, std::string_view key);

//! Every scope named by an operation's `security` ("(a | b)" and "a & b" give both).
std::vector<std::string> OasScopes(const boost::json::object& operation);

//! Replaces the server's base URL at the start of every string in `v` by kBaseMarkerChar (stored form).
void MarkBase(boost::json::value& v, std::string_view base);
std::string MarkBase(std::string_view url, std::string_view base);
//! The absolute form of a stored URL.
std::string UnmarkBase(std::string_view stored, std::string_view base);

}  // namespace thorbecke::json
