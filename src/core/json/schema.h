#pragma once
// Request validation driven by the OpenAPI documents themselves: the `components.schemas` of a ZGW OAS
// say which fields are required, their types, lengths, enums and formats. Validating against them keeps
// Thorbecke to the letter of the spec without hand-copying every constraint.
//
// Supported: type (string, integer, number, boolean, array, object), required, nullable, properties,
// items, enum, minLength/maxLength, minimum/maximum, maxItems, format (date, date-time, uri, duration,
// email, uuid), $ref, allOf (first member), oneOf. Unknown properties are ignored, as ZGW servers do.
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/value.hpp>

#include "core/error.h"

namespace thorbecke::json {

class SchemaSet {
  public:
    //! Takes an OpenAPI 3 document as JSON text.
    static Result<SchemaSet> Load(std::string_view openapi_json);

    //! Validates value against components/schemas/<name>. With partial (PATCH), the top level's
    //! `required` list is not enforced. Returns every field at fault (empty: valid).
    [[nodiscard]] std::vector<InvalidParam> Validate(
        std::string_view schema_name, const boost::json::value& value, bool partial = false
    ) const;

    //! Validates value against a schema object of this document that is not a named component (an inline
    //! request body schema); its $refs resolve in this document.
    [[nodiscard]] std::vector<InvalidParam> ValidateAgainst(
        const boost::json::object& schema, const boost::json::value& value
    ) const;

    //! The whole document, e.g. to serve it.
    [[nodiscard]] const boost::json::value& document() const { return *doc_; }

  private:
    std::shared_ptr<boost::json::value> doc_;
};

//! True for an absolute http(s) URL with a host.
bool IsHttpUrl(std::string_view s);
bool IsEmail(std::string_view s);

}  // namespace thorbecke::json
