#pragma once
// Small JSON helpers for building responses as text. Responses are written directly into a string
// (no DOM on the hot path); Boost.JSON is used for parsing requests and for documents we must inspect.
#include <string>
#include <string_view>

#include <boost/json/value.hpp>

#include "core/error.h"

namespace thorbecke::json {

//! Appends s as a quoted, escaped JSON string.
void AppendString(std::string& out, std::string_view s);
std::string Quote(std::string_view s);

//! Writes a JSON value as compact text; numbers with a fraction in their shortest round-trip form (5.1, not
//! Boost's 5.1E0), as clients and other servers write them.
std::string Serialize(const boost::json::value& v);

//! Parses a request body; a syntax error becomes a 400 problem ("parse_error").
Result<boost::json::value> Parse(std::string_view body);

//! Marker that stands for "this server's base URL" inside stored JSON text. Internal references are
//! stored as "\u0001/catalogi/api/v1/..." and expanded per request, so the same stored document serves
//! every host name the server is reached by. Clients cannot smuggle the marker in: control characters
//! are rejected in input strings.
inline constexpr std::string_view kBaseMarker = "\\u0001";
inline constexpr char kBaseMarkerChar = '\x01';
//! Replaces every kBaseMarker in stored text by base_url.
std::string ExpandBase(std::string_view stored, std::string_view base_url);
void AppendExpanded(std::string& out, std::string_view stored, std::string_view base_url);

}  // namespace thorbecke::json
