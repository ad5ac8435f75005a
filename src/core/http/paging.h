#pragma once
// ZGW pagination, shared by every list endpoint: `page` (and `pageSize` where the OAS has it), and the page
// body {count, next, previous, results} whose next/previous URLs repeat the request's other parameters.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/http/message.h"

namespace thorbecke::http {

inline constexpr std::int64_t kPageSize = 100;
inline constexpr std::int64_t kMaxPageSize = 500;

//! Percent-encodes a query parameter name or value for a page URL.
std::string QueryEncode(std::string_view v);

//! Reads `page` or `pageSize`: a positive integer. An invalid page is 404 (as the reference implementation
//! answers); an invalid pageSize is a field error.
Result<std::int64_t> ParsePageNumber(std::string_view name, std::string_view value);

struct Paging {
    std::int64_t page = 1;
    std::int64_t page_size = kPageSize;
};

//! When `name` is `page` or `pageSize`, reads it into `paging` and returns true; a bad pageSize joins
//! `errors`, a bad page is the returned error (404). Other names: false.
Result<bool> TakePageParam(
    std::string_view name, std::string_view value, Paging& paging, std::vector<InvalidParam>& errors
);

//! {"count":…,"next":…,"previous":…,"results":[…]} with `rendered` as the results.
std::string PageBody(
    const Request& req,
    std::int64_t count,
    std::int64_t page,
    std::int64_t pages,
    const std::vector<std::string>& rendered
);

}  // namespace thorbecke::http
