#pragma once
// The algorithm register's web pages: the public register (search list, algorithm, history, organisation) and
// the staff pages (overview, registration forms, workflow actions, IAMA, external assessment). Rendered on
// the server from templates/*.mustache inside the web foundation's layout; every page works without JavaScript.
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json/object.hpp>

#include "algoritmeregister/assessment.h"
#include "algoritmeregister/service.h"
#include "core/error.h"
#include "core/http/router.h"
#include "web/web.h"

namespace thorbecke::algoritmeregister {

//! Registers the templates and the routes of the register's pages (public and staff).
void RegisterPages(http::Router& router, web::SessionStore& sessions, Service& service, Assessments& assessments);

// Shared by pages.cpp and pages_staff.cpp.
namespace pages_detail {

inline constexpr std::string_view kRoot = "/algoritmeregister";
inline constexpr std::string_view kStaffRoot = "/algoritmeregister/beheer";

//! One form control as templates/ar-veld.mustache draws it (NL Design System form field: label, description,
//! error message above the control, aria-describedby, aria-invalid).
struct FieldView {
    enum class Kind { kText, kUrl, kTextarea, kSelect, kRadio, kCheckbox };
    Kind kind = Kind::kText;
    std::string id;
    std::string name;
    std::string label;
    std::string description;
    std::string error;
    std::string value;
    std::set<std::string> selected;                            // radio, checkbox, select
    std::vector<std::pair<std::string, std::string>> options;  // value, text
    bool required = false;
    int maxlength = 0;
    int rows = 4;
    std::string list;          // a <datalist> id
    std::string empty_option;  // select: the text of the empty first option
    //! The id an error summary links to (the first option of a group).
    [[nodiscard]] std::string Anchor() const;
};

boost::json::object FieldData(const FieldView& f);

//! The error summary's data (has_errors, errors_title, errors [{anchor,label,message}]) merged into `data`.
struct SummaryItem {
    std::string anchor;
    std::string label;
    std::string message;
};
void AddErrorSummary(boost::json::object& data, const std::vector<SummaryItem>& items);

//! Pagination data for templates/ar-paginering.mustache; `url_for(page)` builds a page's link.
template <class UrlFor>
boost::json::object PaginationData(std::int64_t page, std::int64_t pages, UrlFor url_for);

//! "2026-11-26T18:33:14.123456Z" as Dutch time: "26 november 2026" / "26 november 2026, 19:33".
std::string DutchDate(std::string_view utc);
std::string DutchDateTime(std::string_view utc);

//! A registration's fields as Dutch label/value lists grouped by the schema's categories (Metadata left out).
boost::json::array CategoriesData(const boost::json::object& fields, bool rich);

//! The text of a JSON value for display ("" for null; arrays joined with ", ").
std::string DisplayText(const boost::json::value* v);

std::string StateLabel(State s);
std::string EventLabel(std::string_view kind);
std::string RolesText(const std::set<std::string>& roles);

//! `s` without leading and trailing blanks.
std::string Trim(std::string_view s);

//! The page number of the `pagina` query parameter: a positive integer, else 1.
std::int64_t PageParam(const http::Request& req);

std::string PublicUrl(std::string_view lars);
std::string StaffUrl(std::string_view lars);

void RegisterStaffPages(http::Router& router, web::SessionStore& sessions, Service& service, Assessments& assessments);

template <class UrlFor>
boost::json::object PaginationData(std::int64_t page, std::int64_t pages, UrlFor url_for) {
    boost::json::object p;
    p["has_pages"] = pages > 1;
    p["page"] = page;
    p["pages"] = pages;
    if (page > 1) p["prev_url"] = url_for(page - 1);
    if (page < pages) p["next_url"] = url_for(page + 1);
    boost::json::array items;
    std::int64_t last_shown = 0;
    for (std::int64_t n = 1; n <= pages; ++n) {
        bool show = n == 1 || n == pages || (n >= page - 2 && n <= page + 2);
        if (!show) continue;
        if (n > last_shown + 1) items.push_back(boost::json::object{{"gap", true}});
        items.push_back(boost::json::object{{"gap", false}, {"number", n}, {"url", url_for(n)}, {"current", n == page}}
        );
        last_shown = n;
    }
    p["items"] = std::move(items);
    return p;
}

}  // namespace pages_detail

}  // namespace thorbecke::algoritmeregister
