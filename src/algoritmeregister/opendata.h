#pragma once
// Open data: every published registration as one JSON array and as CSV (RFC 4180, UTF-8 without BOM, comma
// separated, CRLF line ends, themes joined with '|'): the standard's fields in the schema's order, lars,
// versie, gepubliceerd_op and the assessment outcome.
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "algoritmeregister/model.h"

namespace thorbecke::algoritmeregister {

//! The JSON shapes the API answers with (the web pages may reuse them). A published record: `lars`, the
//! standard's fields, `versie`, `gepubliceerd_op`, `toetsing` (null when none).
boost::json::object PublishedJson(const PublishedRecord& r);
//! A registration as its organisation's staff see it.
boost::json::object RegistrationJson(const Registration& r);
boost::json::object VersionInfoJson(const VersionInfo& v);
boost::json::object EventJson(const Event& e, bool with_actor);

std::string OpenDataJson(const std::vector<PublishedRecord>& records);
std::string OpenDataCsv(const std::vector<PublishedRecord>& records);
//! The CSV's columns, in order.
std::vector<std::string> OpenDataCsvColumns();

}  // namespace thorbecke::algoritmeregister
