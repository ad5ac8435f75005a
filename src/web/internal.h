#pragma once
// Pieces of the web foundation shared between its own files.
#include <string>
#include <string_view>

#include "web/web.h"

namespace thorbecke::embedded {
std::string_view web_layout_mustache();
std::string_view web_fout_mustache();
std::string_view web_inloggen_mustache();
}  // namespace thorbecke::embedded

namespace thorbecke::web {

//! Adds the templates this directory ships (layout, sign-in, error page); called once, before the first render.
void RegisterBuiltinTemplates();
void AddBuiltinTemplate(std::string name, std::string_view text);

//! The session cookie's name: with the __Host- prefix over https (the browser then insists on Secure, Path=/
//! and no Domain).
std::string_view CookieName(bool secure);
//! The value of cookie `name` in a Cookie header; empty when absent.
std::string_view CookieValue(std::string_view header, std::string_view name);

//! GET /static/web/<hash>/<file>.
void AddAssetRoutes(http::Router& router);

//! Where a signed-in member of staff goes when no (safe) `terug` was given.
inline constexpr std::string_view kStaffHome = "/algoritmeregister/beheer";

}  // namespace thorbecke::web
